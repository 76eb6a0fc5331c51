import type { AuditLog } from '../audit/audit-log.js';
import type { MailOrganization } from '../mail/message.js';
import type { Store, User } from '../store/ports.js';
import type { AccountMail } from './account-mail.js';
import { recordAccountEvent } from './events.js';
import type { AccountLinks } from './links.js';
import { verificationMail } from './mails.js';
import type { AccountThrottle } from './throttle.js';

/** Where a mailed verification link leads (`/verify-email?token=…`). */
export const VERIFY_EMAIL_PATH = '/verify-email';

/**
 * Email verification (SPEC §7): a single-use link valid 24 hours. Until the person opens it and
 * confirms, no token is issued for the account (login refuses it with a page that offers to send
 * the link again); then `email_verified` is true in ID tokens and userinfo.
 */
export class EmailVerification {
  constructor(private readonly deps: { store: Store; links: AccountLinks; mail: AccountMail; throttle: AccountThrottle; audit: AuditLog }) {}

  /** Mails a new link (the person's earlier ones stop working). */
  async send(user: User, organization?: MailOrganization | null): Promise<void> {
    await this.deps.links.revokeAll(user.id, 'email_verification');
    const issuedAt = new Date();
    const { token, expiresAt } = await this.deps.links.issue('email_verification', { userId: user.id });
    const link = this.deps.mail.url(`${VERIFY_EMAIL_PATH}?token=${token}`);
    await this.deps.mail.send(user, 'email_verification',
      (organizationName) => verificationMail({ organizationName, link, issuedAt, expiresAt, host: this.deps.mail.host }), organization);
  }

  /** Mails a new link on the person's request, within the mail budget of their address. @returns whether one was sent */
  async resend(userId: string): Promise<boolean> {
    const user = await this.deps.store.users.findById(userId);
    if (!user || user.emailVerified || user.disabled) return false;
    if (!(await this.deps.throttle.mailAllowed('email_verification', user.email))) return false;
    await this.send(user);
    return true;
  }

  /** The person a usable link verifies, without using it. */
  async open(token: unknown): Promise<User | null> {
    const link = await this.deps.links.open('email_verification', token);
    return link?.userId ? this.deps.store.users.findById(link.userId) : null;
  }

  /** Uses the link: the person's address is verified. @returns them, or null when the link is not usable */
  async confirm(token: unknown, ip: string | null): Promise<User | null> {
    const link = await this.deps.links.use('email_verification', token);
    const user = link?.userId ? await this.deps.store.users.update(link.userId, { emailVerified: true, updatedAt: new Date() }) : null;
    if (user) await recordAccountEvent(this.deps.audit, user.id, 'email_verified', ip);
    return user;
  }
}
