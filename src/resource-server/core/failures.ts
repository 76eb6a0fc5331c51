import { LRUCache } from 'lru-cache';
import type { HttpProblem } from '../../http/problem.js';
import type { RateLimitPolicy } from '../../store/ports.js';
import { isPromise, type MaybePromise } from '../maybe-async.js';
import type { Admission, LeasedRateLimiter, LimitPolicy } from '../rate-limiter.js';
import { tooManyRequests } from './refusals.js';

interface Local {
  /** start of the local window (ms epoch) */
  start: number;
  /** failures counted here in it */
  count: number;
  /** the shared policy of this address, built once */
  policy: [LimitPolicy];
}

/**
 * Failed authentications per client address (`throttles.failedAuthPerIp`).
 *
 * The first `localAllowance` failures of an address in a window are counted in this process's
 * memory only: no store read, no store write, so a stray bad key or a burst of forgeries from one
 * address costs what the refusal itself costs. The next failure carries them all to the shared
 * counter (one leased take of `localAllowance + 1` units) and later ones are leased like any
 * limit. Bound: across N instances an address gets at most `limit + (N − 1) · localAllowance`
 * failures a window (each instance may hold up to `localAllowance` not yet reported); with one
 * instance, exactly `limit`.
 */
export class FailureThrottle {
  private readonly locals: LRUCache<string, Local>;
  private readonly windowMs: number;
  readonly localAllowance: number;

  constructor(private readonly limiter: LeasedRateLimiter, private readonly policy: RateLimitPolicy, options: { localAllowance?: number; maxAddresses?: number; now?: () => number } = {}) {
    this.windowMs = policy.windowSeconds * 1000;
    this.localAllowance = options.localAllowance ?? Math.max(1, Math.floor(policy.limit / 10));
    this.locals = new LRUCache({ max: options.maxAddresses ?? 10_000 });
    this.now = options.now ?? Date.now;
  }

  private readonly now: () => number;

  /** Whether any address may be blocked now (false in the common case: no limit is denying anything). */
  mayBlock(): boolean {
    return this.limiter.hasActiveDenials();
  }

  /** A refusal for an address already over its limit (checked before any verification), else null. */
  blocked(ip: string): HttpProblem | null {
    if (!this.limiter.hasActiveDenials()) return null;
    const local = this.locals.get(ip);
    if (!local || !this.limiter.isBlocked(local.policy[0])) return null;
    return tooManyRequests(this.limiter.blockedAdmission(local.policy[0]));
  }

  /** Counts one failure of `ip`: `refusal` while the address is within its limit, else 429. */
  fail(ip: string, refusal: HttpProblem): MaybePromise<HttpProblem> {
    const now = this.now();
    let local = this.locals.get(ip);
    if (!local) {
      local = { start: now, count: 0, policy: [{ bucket: `authfail:${ip}`, limit: this.policy.limit, windowMs: this.windowMs }] };
      this.locals.set(ip, local);
    } else if (now - local.start >= this.windowMs) {
      local.start = now;
      local.count = 0;
    }
    local.count++;
    if (local.count <= this.localAllowance) return refusal;
    const units = local.count === this.localAllowance + 1 ? local.count : 1;
    const admission = this.limiter.take(local.policy, units);
    return isPromise(admission) ? admission.then((a) => answer(a, refusal)) : answer(admission, refusal);
  }
}

function answer(admission: Admission | null, refusal: HttpProblem): HttpProblem {
  return admission && !admission.allowed ? tooManyRequests(admission) : refusal;
}
