import type { Config } from '../config/schema.js';
import type { Store } from '../store/ports.js';

/**
 * Takes one password (or code) attempt from the per-address and the per-account login budgets
 * (`throttles.loginPerIp`, `throttles.loginPerAccount`), before anything is checked. Every page
 * and API call that checks a password or a second factor takes from the same two budgets, so
 * none is a way around another.
 * @returns the seconds to wait when over either budget, else null
 */
export async function takeLoginAttempt(store: Pick<Store, 'rateLimits'>, throttles: Config['throttles'], email: string, ip: string): Promise<number | null> {
  const now = Date.now();
  const { loginPerAccount, loginPerIp } = throttles;
  for (const [bucket, w] of [[`login-ip:${ip}`, loginPerIp], [`login:${email}`, loginPerAccount]] as const) {
    const r = await store.rateLimits.take({ bucket, windowMs: w.windowSeconds * 1000, limit: w.limit, cost: 1, now });
    if (!r.allowed) return Math.max(1, Math.ceil((r.resetAt - now) / 1000));
  }
  return null;
}

/** After a complete sign-in: the account's failed attempts are forgotten. */
export function forgetLoginAttempts(store: Pick<Store, 'rateLimits'>, email: string): Promise<void> {
  return store.rateLimits.reset(`login:${email}`);
}

export type ThrottledAction = 'signup' | 'password_reset' | 'verification' | 'link' | 'passkey' | 'mfa_enrolment';

/**
 * The accounts pages' own budgets, beside the login throttles (which every password and code
 * check takes from): requests per client address (`accounts.requestsPerIp`), and mails of one
 * kind per address (`accounts.mailsPerAddress`) so nobody can flood someone's mailbox.
 */
export class AccountThrottle {
  constructor(private readonly store: Pick<Store, 'rateLimits'>, private readonly settings: Config['accounts']) {}

  private async take(bucket: string, window: { limit: number; windowSeconds: number }): Promise<number | null> {
    const now = Date.now();
    const r = await this.store.rateLimits.take({ bucket, windowMs: window.windowSeconds * 1000, limit: window.limit, cost: 1, now });
    return r.allowed ? null : Math.max(1, Math.ceil((r.resetAt - now) / 1000));
  }

  /** One request of `action` from `ip`. @returns the seconds to wait when over the budget, else null */
  perAddress(action: ThrottledAction, ip: string): Promise<number | null> {
    return this.take(`accounts-${action}-ip:${ip}`, this.settings.requestsPerIp);
  }

  /**
   * One mail of `kind` to `email` (taken whether or not the email has an account, so the cost
   * is the same). @returns whether it may be sent
   */
  async mailAllowed(kind: string, email: string): Promise<boolean> {
    return (await this.take(`accounts-mail-${kind}:${email}`, this.settings.mailsPerAddress)) === null;
  }
}
