import { randomBytes } from 'node:crypto';
import type { AuditLog } from '../audit/audit-log.js';
import type { FieldIssue } from '../http/problem.js';
import { HttpProblem } from '../http/problem.js';
import type { Identity } from '../identity/index.js';
import { passwordProblem } from '../identity/passwords.js';
import { displayNameProblem, emailProblem, normalizeEmail } from '../identity/validation.js';
import type { Organization } from '../store/ports.js';
import type { AccountMail } from './account-mail.js';
import type { Background } from './background.js';
import { recordAccountEvent } from './events.js';
import { accountExistsMail } from './mails.js';
import { FORGOT_PASSWORD_PATH } from './password-reset.js';
import type { AccountThrottle } from './throttle.js';
import type { EmailVerification } from './verification.js';

export interface SignupInput {
  email: string;
  password: string;
  organizationName: string;
  /** the new organization requires a second factor of its members */
  requireMfa: boolean;
}

/** A slug from an organization's name (`Acme Rockets, Inc.` → `acme-rockets-inc`), a random suffix added after the first try. */
export function slugFor(name: string, attempt: number): string {
  const base = name.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '').slice(0, 30).replace(/-+$/, '');
  const stem = base.length >= 3 ? base : `org-${base}`.replace(/-+$/, '');
  return attempt === 0 ? stem : `${stem}-${randomBytes(3).toString('hex')}`;
}

/**
 * Self sign-up (SPEC §7, `accounts.selfSignup`): an email, a password and an organization name
 * make a new organization with the person as its admin, the email unverified until the mailed
 * link is opened. The page answers the same for every valid form ("check your mail"), whether or
 * not the email has an account: the work happens in the background, and an address that has an
 * account gets a mail saying so (with a reset link) instead of a second account.
 */
export class Signup {
  constructor(private readonly deps: {
    identity: Identity; mail: AccountMail; throttle: AccountThrottle; background: Background; verification: EmailVerification;
    audit: AuditLog;
  }) {}

  /** What is wrong with the form, field by field (nothing here depends on who has an account). */
  problems(input: SignupInput): FieldIssue[] {
    return [
      { field: 'email', message: emailProblem(normalizeEmail(input.email)) },
      { field: 'password', message: passwordProblem(input.password) },
      { field: 'organization', message: displayNameProblem(input.organizationName) },
    ].filter((i): i is FieldIssue => i.message !== null);
  }

  /** Takes a valid form: the mail budget of the address is taken now, the rest after the answer. */
  async submit(input: SignupInput, ip: string | null): Promise<void> {
    const email = normalizeEmail(input.email);
    if (!(await this.deps.throttle.mailAllowed('signup', email))) return;
    this.deps.background.run('sign-up', () => this.create({ ...input, email }, ip));
  }

  private async create(input: SignupInput, ip: string | null): Promise<void> {
    if (await this.deps.identity.users.getByEmail(input.email)) return this.alreadyRegistered(input.email);
    let user;
    try {
      ({ user } = await this.deps.identity.users.create({ email: input.email, password: input.password, emailVerified: false }));
    } catch (err) {
      if (err instanceof HttpProblem && err.code === 'user_exists') return this.alreadyRegistered(input.email);
      throw err;
    }
    const organization = await this.organizationFor(input);
    await this.deps.identity.members.add(organization.id, user.id, ['admin']);
    await this.deps.audit.record({
      organizationId: organization.id, action: 'organization.signed_up', ip,
      caller: { principal: { type: 'user', subject: user.id, organization: organization.id, environment: null, permissions: [] }, ip },
      target: { type: 'organization', id: organization.id }, metadata: { slug: organization.slug, mfa_required: organization.mfaRequired },
    });
    await recordAccountEvent(this.deps.audit, user.id, 'signed_up', ip, { organization_id: organization.id });
    await this.deps.verification.send(user, { id: organization.id, name: organization.name });
  }

  /** A new organization named as asked, under a free slug. */
  private async organizationFor(input: SignupInput): Promise<Organization> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.deps.identity.organizations.create({
          slug: slugFor(input.organizationName, attempt), name: input.organizationName, mfaRequired: input.requireMfa,
        });
      } catch (err) {
        if (!(err instanceof HttpProblem && err.code === 'organization_exists') || attempt >= 5) throw err;
      }
    }
  }

  private async alreadyRegistered(email: string): Promise<void> {
    const user = await this.deps.identity.users.getByEmail(email);
    if (!user) return;
    const resetLink = this.deps.mail.url(FORGOT_PASSWORD_PATH);
    await this.deps.mail.send(user, 'account_exists', (organizationName) => accountExistsMail({ organizationName, host: this.deps.mail.host, resetLink }));
  }
}
