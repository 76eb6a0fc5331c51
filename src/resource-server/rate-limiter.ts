import { LRUCache } from 'lru-cache';
import type { RateLimitStore } from '../store/ports.js';
import type { MaybePromise } from './maybe-async.js';

/** One limit to enforce: `limit` units per sliding window of `windowMs`, counted in `bucket`. */
export interface LimitPolicy {
  bucket: string;
  limit: number;
  windowMs: number;
}

/** The outcome for a request, for the `RateLimit-*` headers (the tightest of the policies). */
export interface Admission {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** ms epoch at which the current fixed window ends */
  resetAt: number;
}

interface BucketState {
  /** units leased from the store and not yet spent here */
  left: number;
  /** the store's estimate after our last take (includes our unspent lease) */
  used: number;
  /** end of the store window the lease belongs to; the lease is void afterwards */
  resetAt: number;
  /** a denial is trusted until then, so a flood over the limit does not reach the store */
  deniedUntil: number;
  refilling: Promise<void> | null;
}

export interface LeasedRateLimiterOptions {
  /**
   * most units leased in one store take: the larger of this (default 100) and 1/100 of the
   * policy's limit, so a generous limit (an "unlimited" plan) costs a store write about once per
   * 1 % of it rather than once per 100 requests, and unspent leases forfeit at most 1 % of it
   */
  maxLease?: number;
  /** a lease is at most this share of what the window has left (default 1/8), so it shrinks near the limit */
  leaseShare?: number;
  /** buckets tracked (default 100 000); evicting one only forfeits its unspent lease */
  maxBuckets?: number;
  now?: () => number;
}

/**
 * Sliding-window rate limits that hold across instances without a store write per request.
 *
 * Each instance leases blocks of units from the shared counter (`store.rateLimits.take` with
 * `cost: n`, atomic across processes) and spends them locally; the spending is synchronous, so
 * it is exact under any concurrency within the instance. A lease is at most `leaseShare` of what
 * the window has left and at most `maxLease`, shrinking to single units near the limit, and a
 * take that would overshoot is retried with exactly what is left. Bound: the units admitted
 * across all instances never exceed the store's sliding-window estimate of `limit`; units leased
 * but not spent before the window moves on are forfeited (an instance that stops receiving
 * traffic holds at most one lease per bucket), so under continuous load the limit is used
 * in full. A store write happens about once per lease, i.e. every `maxLease` requests far from
 * the limit. A denial is remembered for `min(windowMs / limit, 1 s)` so a flood beyond the limit
 * costs no store round trips either.
 */
export class LeasedRateLimiter {
  private readonly states: LRUCache<string, BucketState>;
  private readonly now: () => number;
  private readonly maxLease: number;
  private readonly leaseShare: number;
  private readonly scratch: BucketState[] = [];
  /** the latest `deniedUntil` ever set (ms epoch) */
  private lastDenialEnds = 0;

  constructor(private readonly store: RateLimitStore, options: LeasedRateLimiterOptions = {}) {
    this.now = options.now ?? Date.now;
    this.maxLease = options.maxLease ?? 100;
    this.leaseShare = options.leaseShare ?? 1 / 8;
    this.states = new LRUCache({ max: options.maxBuckets ?? 100_000 });
  }

  /**
   * Admits one request (`units` units, default 1) against every policy, or none
   * (all-or-nothing); null when there are no policies. Synchronous while leased units last (the
   * common case).
   */
  take(policies: readonly LimitPolicy[], units = 1): MaybePromise<Admission | null> {
    if (policies.length === 0) return null;
    return this.tryTake(policies, this.now(), units) ?? this.takeSlowly(policies, units);
  }

  /** The answer from leased units and remembered denials alone, or null when a refill is needed. */
  private tryTake(policies: readonly LimitPolicy[], now: number, units: number): Admission | null {
    // each bucket looked up once (synchronous: the scratch list cannot be shared by two calls)
    const states = this.scratch;
    states.length = policies.length;
    let ready = true;
    for (let i = 0; i < policies.length; i++) {
      const s = (states[i] = this.state(policies[i], now));
      if (s.left >= units) continue;
      if (s.deniedUntil > now) return this.admission(false, policies[i], s);
      ready = false;
    }
    if (!ready) return null;
    let best: Admission | null = null;
    for (let i = 0; i < policies.length; i++) {
      const s = states[i];
      s.left -= units;
      const next = this.admission(true, policies[i], s);
      if (!best || next.remaining < best.remaining) best = next;
    }
    return best;
  }

  private async takeSlowly(policies: readonly LimitPolicy[], units: number): Promise<Admission> {
    for (;;) {
      const now = this.now();
      const answer = this.tryTake(policies, now, units);
      if (answer) return answer;
      const refills: Promise<void>[] = [];
      for (let i = 0; i < policies.length; i++) {
        const s = this.state(policies[i], now);
        if (s.left < units) refills.push(this.refill(policies[i], s, units));
      }
      await Promise.all(refills);
    }
  }

  /** Whether any bucket may currently be denying (false: `isBlocked` is false for every policy). */
  hasActiveDenials(): boolean {
    return this.now() < this.lastDenialEnds;
  }

  /** Whether a policy is currently known to be exhausted (no store access). */
  isBlocked(policy: LimitPolicy): boolean {
    const now = this.now();
    // no denial lasts past the latest one recorded: nothing can be blocked, no lookup needed
    if (now >= this.lastDenialEnds) return false;
    const s = this.states.get(key(policy));
    return !!s && s.left <= 0 && s.deniedUntil > now && now < s.resetAt;
  }

  /** What a denial looks like right now for `policy` (for answering a blocked request). */
  blockedAdmission(policy: LimitPolicy): Admission {
    return this.admission(false, policy, this.state(policy, this.now()));
  }

  private state(policy: LimitPolicy, now: number): BucketState {
    const k = key(policy);
    let s = this.states.get(k);
    if (!s) {
      s = { left: 0, used: 0, resetAt: 0, deniedUntil: 0, refilling: null };
      this.states.set(k, s);
    } else if (now >= s.resetAt && !s.refilling) {
      s.left = 0;
      s.deniedUntil = 0;
    }
    return s;
  }

  private refill(policy: LimitPolicy, s: BucketState, units: number): Promise<void> {
    s.refilling ??= this.lease(policy, s, units).finally(() => { s.refilling = null; });
    return s.refilling;
  }

  private async lease(policy: LimitPolicy, s: BucketState, units: number): Promise<void> {
    const now = this.now();
    const known = now < s.resetAt ? s.used : 0;
    const need = Math.max(1, units - Math.max(0, s.left));
    const most = Math.max(this.maxLease, Math.floor(policy.limit / 100), need);
    let cost = clamp(Math.floor((policy.limit - known) * this.leaseShare), need, most);
    let result = await this.store.take({ bucket: policy.bucket, windowMs: policy.windowMs, limit: policy.limit, cost, now });
    while (!result.allowed && cost > need) {
      cost = clamp(Math.min(cost - 1, Math.floor(policy.limit - result.used)), need, cost - 1);
      result = await this.store.take({ bucket: policy.bucket, windowMs: policy.windowMs, limit: policy.limit, cost, now });
    }
    s.used = result.used;
    if (result.allowed) {
      s.left = (result.resetAt === s.resetAt ? s.left : 0) + cost;
      s.deniedUntil = 0;
    } else {
      s.left = 0;
      s.deniedUntil = now + Math.min(policy.windowMs / policy.limit, 1000, result.resetAt - now);
      this.lastDenialEnds = Math.max(this.lastDenialEnds, s.deniedUntil);
    }
    s.resetAt = result.resetAt;
  }

  private admission(allowed: boolean, policy: LimitPolicy, s: BucketState): Admission {
    const remaining = allowed ? Math.max(0, Math.floor(policy.limit - s.used + s.left)) : 0;
    return { allowed, limit: policy.limit, remaining, resetAt: s.resetAt || this.now() + policy.windowMs };
  }
}

// policies are usually long-lived objects (cached per credential): compute their key once
const keys = new WeakMap<LimitPolicy, string>();
function key(policy: LimitPolicy): string {
  let k = keys.get(policy);
  if (k === undefined) keys.set(policy, (k = `${policy.bucket}|${policy.limit}|${policy.windowMs}`));
  return k;
}

function clamp(n: number, lo: number, hi: number): number {
  return Math.max(lo, Math.min(hi, n));
}
