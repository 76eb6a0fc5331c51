import type { AuditLog } from '../audit/audit-log.js';
import type { Config } from '../config/schema.js';
import { problems } from '../http/problem.js';
import type { Identity } from '../identity/index.js';
import { passwordProblem } from '../identity/passwords.js';
import type { Store, User } from '../store/ports.js';
import type { AccountMail } from './account-mail.js';
import { recordAccountEvent } from './events.js';
import type { AccountLinks } from './links.js';
import { securityNoticeMail } from './mails.js';
import { forgetLoginAttempts, takeLoginAttempt } from './throttle.js';

/**
 * A person's password: proving it again before a sensitive change ("current password"), changing
 * it, and setting a new one after a reset. A new password ends every session and refresh token
 * of the person (SPEC §7), every reset link still pending, and is told to them by mail.
 */
export class Credentials {
  constructor(private readonly deps: {
    identity: Identity; store: Store; throttles: Config['throttles']; links: AccountLinks; mail: AccountMail; audit: AuditLog;
  }) {}

  /**
   * The person's current password, checked under the login throttles (per account and per
   * address). @throws HttpProblem 429, or 403 `current_password_incorrect`
   */
  async reauthenticate(user: User, password: unknown, ip: string): Promise<void> {
    const wait = await takeLoginAttempt(this.deps.store, this.deps.throttles, user.email, ip);
    if (wait !== null) throw problems.tooManyRequests(wait);
    const ok = typeof password === 'string' && (await this.deps.identity.users.verifyPassword(user.email, password))?.id === user.id;
    if (!ok) throw problems.forbidden('current_password_incorrect', 'The current password is not right.');
    await forgetLoginAttempts(this.deps.store, user.email);
  }

  /** Sets `password` (the policy checked first: 400 naming `new_password`), then ends everything the person was signed in with. */
  async setPassword(user: User, password: unknown, why: 'changed' | 'reset', ip: string | null): Promise<void> {
    const problem = passwordProblem(password);
    if (problem) throw problems.validation([{ field: 'new_password', message: problem }]);
    await this.deps.identity.users.update(user.id, { password: password as string });
    if (why === 'reset') {
      // a reset link proves the address as much as a verification link does; and whoever failed
      // to sign in as the person before no longer holds them back
      if (!user.emailVerified) await this.deps.store.users.update(user.id, { emailVerified: true });
      await forgetLoginAttempts(this.deps.store, user.email);
    }
    const ended = await this.deps.store.oidc.revokeByAccountId(user.id);
    await this.deps.links.revokeAll(user.id, 'password_reset');
    await recordAccountEvent(this.deps.audit, user.id, why === 'reset' ? 'password_reset' : 'password_changed', ip, { sessions_ended: ended });
    await this.deps.mail.send(user, 'security_notice', (organizationName) => securityNoticeMail({
      organizationName, host: this.deps.mail.host, at: new Date(),
      what: why === 'reset' ? 'Your password was reset with a link from a mail' : 'Your password was changed',
    }));
  }

  /** A signed-in person's change: the current password, then the new one. @throws HttpProblem 400, 403, 429 */
  async change(user: User, current: unknown, next: unknown, ip: string): Promise<void> {
    const problem = passwordProblem(next);
    if (problem) throw problems.validation([{ field: 'new_password', message: problem }]);
    await this.reauthenticate(user, current, ip);
    await this.setPassword(user, next, 'changed', ip);
  }
}
