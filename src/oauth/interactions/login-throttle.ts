import type { Config } from '../../config/schema.js';
import type { Store } from '../../store/ports.js';

/**
 * Takes one password attempt from the per-address and the per-account login budgets
 * (`throttles.loginPerIp`, `throttles.loginPerAccount`), before any password is checked. Every
 * page that checks a password takes from the same two budgets, so none is a way around another.
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
