import type { Identity } from '../identity/index.js';
import { passwordProblem } from '../identity/passwords.js';
import { emailProblem, normalizeEmail } from '../identity/validation.js';
import type { Store, User } from '../store/ports.js';
import type { AccountMail } from './account-mail.js';
import type { Background } from './background.js';
import type { Credentials } from './credentials.js';
import type { AccountLinks } from './links.js';
import { passwordResetMail } from './mails.js';
import type { AccountThrottle } from './throttle.js';

/** Where a mailed reset link leads (`/password/reset?token=…`). */
export const RESET_PASSWORD_PATH = '/password/reset';
/** The "Forgot password?" page, where a reset link is asked for. */
export const FORGOT_PASSWORD_PATH = '/password/forgot';

export type ResetOutcome = { ok: true; user: User } | { ok: false; reason: 'invalid_link' } | { ok: false; reason: 'bad_password'; message: string };

/**
 * "Forgot password?" (SPEC §7): a request names an email; if it has an enabled account, a
 * single-use link valid 30 minutes is mailed. The request's answer, and its timing, are the same
 * whether or not the email exists: the page does the same work either way (the address throttle
 * and the mail budget of the address), and everything that depends on the account happens in the
 * background after the answer left. Choosing the new password ends every session and refresh
 * token of the person.
 */
export class PasswordReset {
  private readonly withheld: Array<(user: User) => Promise<boolean>> = [];

  constructor(private readonly deps: {
    store: Store; identity: Identity; links: AccountLinks; mail: AccountMail; throttle: AccountThrottle;
    background: Background; credentials: Credentials;
  }) {}

  /** The request's work on the request path: identical for every well-formed email. */
  async request(email: string): Promise<void> {
    const normalized = normalizeEmail(email);
    if (emailProblem(normalized)) return;
    // taken for every address, known or not, so the cost of the answer says nothing
    const allowed = await this.deps.throttle.mailAllowed('password_reset', normalized);
    if (allowed) this.deps.background.run('password reset mail', () => this.mailLink(normalized));
  }

  /**
   * Adds a reason to mail no link (the answer stays the same): a person who must sign in through
   * their organization's identity provider gets no password to sign in with.
   */
  withholdWhen(check: (user: User) => Promise<boolean>): void {
    this.withheld.push(check);
  }

  /** After the answer: the link, if the account exists and may sign in with a password. */
  private async mailLink(email: string): Promise<void> {
    const user = await this.deps.identity.users.getByEmail(email);
    if (!user || user.disabled) return;
    for (const check of this.withheld) if (await check(user)) return;
    await this.deps.links.revokeAll(user.id, 'password_reset');
    const issuedAt = new Date();
    const { token, expiresAt } = await this.deps.links.issue('password_reset', { userId: user.id });
    const link = this.deps.mail.url(`${RESET_PASSWORD_PATH}?token=${token}`);
    await this.deps.mail.send(user, 'password_reset',
      (organizationName) => passwordResetMail({ organizationName, link, issuedAt, expiresAt, host: this.deps.mail.host }));
  }

  /** The person a usable link resets, without using it. */
  async open(token: unknown): Promise<User | null> {
    const link = await this.deps.links.open('password_reset', token);
    const user = link?.userId ? await this.deps.store.users.findById(link.userId) : null;
    return user && !user.disabled ? user : null;
  }

  /** Uses the link to set `password` (checked against the policy first, so a refused password does not spend the link). */
  async complete(token: unknown, password: unknown, ip: string | null): Promise<ResetOutcome> {
    if (!(await this.open(token))) return { ok: false, reason: 'invalid_link' };
    const problem = passwordProblem(password);
    if (problem) return { ok: false, reason: 'bad_password', message: `The password ${problem}.` };
    const link = await this.deps.links.use('password_reset', token);
    const user = link?.userId ? await this.deps.store.users.findById(link.userId) : null;
    if (!user || user.disabled) return { ok: false, reason: 'invalid_link' };
    await this.deps.credentials.setPassword(user, password, 'reset', ip);
    return { ok: true, user };
  }
}
