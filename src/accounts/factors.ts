import type { AuditLog } from '../audit/audit-log.js';
import { problems } from '../http/problem.js';
import type { Factor, FactorStore, User } from '../store/ports.js';
import type { AccountMail } from './account-mail.js';
import { recordAccountEvent } from './events.js';
import { securityNoticeMail } from './mails.js';
import type { RecoveryCodes } from './recovery-codes.js';
import type { Totp } from './totp.js';

const KIND_WORDS: Record<Factor['type'], string> = { totp: 'An authenticator app', passkey: 'A passkey' };

/**
 * A person's second factors as a whole: which are in use, the recovery codes that come with the
 * first one, a code typed at sign-in (an app's or a recovery code), and removal. Every addition
 * and removal is audited and told to the person by mail.
 */
export class Factors {
  constructor(private readonly deps: { store: FactorStore; totp: Totp; recovery: RecoveryCodes; mail: AccountMail; audit: AuditLog }) {}

  /** The person's confirmed factors, oldest first. */
  async confirmed(userId: string): Promise<Factor[]> {
    return (await this.deps.store.listByUser(userId)).filter((f) => f.confirmedAt !== null);
  }

  /**
   * After a factor was confirmed: audited, told by mail, and, when the person had no unused
   * recovery codes, a new set. @returns those codes (to show once), or null
   */
  async enrolled(user: User, factor: Factor, ip: string | null): Promise<string[] | null> {
    await recordAccountEvent(this.deps.audit, user.id, 'factor_added', ip, { factor_id: factor.id, type: factor.type });
    await this.notify(user, `${KIND_WORDS[factor.type]} ("${factor.name}") was added as a second factor of your account`);
    return (await this.deps.recovery.remaining(user.id)) > 0 ? null : this.deps.recovery.generate(user.id);
  }

  /** Removes one of the person's factors; with the last one their recovery codes go too. @throws HttpProblem 404 */
  async remove(user: User, factorId: unknown, ip: string | null): Promise<void> {
    const factor = typeof factorId === 'string' ? await this.deps.store.findById(user.id, factorId) : null;
    if (!factor || !(await this.deps.store.delete(user.id, factor.id))) throw problems.notFound('factor');
    if (!factor.confirmedAt) return;
    if ((await this.confirmed(user.id)).length === 0) await this.deps.recovery.discard(user.id);
    await recordAccountEvent(this.deps.audit, user.id, 'factor_removed', ip, { factor_id: factor.id, type: factor.type });
    await this.notify(user, `${KIND_WORDS[factor.type]} ("${factor.name}") was removed from your account's second factors`);
  }

  /** A code typed as a second factor: a fresh code of one of the person's apps, or an unused recovery code (spent either way). */
  async checkCode(userId: string, code: unknown): Promise<'totp' | 'recovery' | null> {
    if (await this.deps.totp.check(await this.confirmed(userId), code)) return 'totp';
    if (await this.deps.recovery.use(userId, code)) return 'recovery';
    return null;
  }

  private notify(user: User, what: string): Promise<void> {
    return this.deps.mail.send(user, 'security_notice', (organizationName) => securityNoticeMail({ organizationName, host: this.deps.mail.host, what, at: new Date() }));
  }
}
