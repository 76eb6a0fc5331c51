import type { RateLimitResult } from './ports.js';

/**
 * The sliding-window arithmetic both adapters share, so they agree to the last unit. Time is cut
 * into fixed windows of `windowMs` starting at multiples of it; the estimate at `now` is the
 * previous window's count weighted by how much of it still overlaps the sliding window
 * (`1 - elapsed / windowMs`) plus the current window's count. A take of `cost` is admitted when
 * `current <= limit - cost - weightedPrevious` (the form the MongoDB adapter can test atomically
 * in a filter), i.e. when the estimate after the take stays within `limit`.
 */
export interface WindowPosition {
  /** ms epoch at which the current fixed window began */
  windowStart: number;
  /** ms epoch at which the previous fixed window began */
  previousStart: number;
  /** the previous window's weight, in [0, 1] */
  previousWeight: number;
  /** ms epoch at which the current window ends (RateLimit-Reset) */
  resetAt: number;
}

/** Where `now` falls: the current window, the previous one and the weight of the previous one. */
export function windowPosition(now: number, windowMs: number): WindowPosition {
  const windowStart = Math.floor(now / windowMs) * windowMs;
  const elapsed = now - windowStart;
  return {
    windowStart,
    previousStart: windowStart - windowMs,
    previousWeight: (windowMs - elapsed) / windowMs,
    resetAt: windowStart + windowMs,
  };
}

/** The highest current-window count that still admits a take of `cost`. */
export function admitThreshold(limit: number, cost: number, weightedPrevious: number): number {
  return limit - cost - weightedPrevious;
}

/** The result of a take, given the counts read (current before the take) and whether it was admitted. */
export function takeResult(allowed: boolean, currentBefore: number, cost: number, weightedPrevious: number, resetAt: number): RateLimitResult {
  return { allowed, used: weightedPrevious + currentBefore + (allowed ? cost : 0), resetAt };
}

/**
 * How long a window's counter must be kept: while it is the current window and while it is the
 * previous one, i.e. until two windows after its start.
 */
export function counterExpiry(windowStart: number, windowMs: number): number {
  return windowStart + 2 * windowMs;
}

/** What a bucket holds: its newest fixed window, that window's count and the count of the one before. */
export interface BucketCounters {
  windowStart: number;
  current: number;
  previous: number;
}

/** Where a take at `now` lands, given the bucket's stored counters. */
export interface RolledCounters {
  counters: BucketCounters;
  /** the previous window's weight for this take */
  weight: number;
  /** ms epoch at which the counted window ends */
  resetAt: number;
}

/**
 * Rolls a bucket's counters forward to the window of `now`. A bucket never goes back in time:
 * when the stored window is newer than `now`'s (this host's clock is behind the host that wrote
 * it), the take counts in the stored window with the previous one at full weight, the largest
 * estimate that window can have, so a late clock can only admit less, never more. Both adapters
 * use this rule (MongoDB spells it as an update pipeline), so they agree to the last unit.
 */
export function rollForward(stored: BucketCounters | null, now: number, windowMs: number): RolledCounters {
  const pos = windowPosition(now, windowMs);
  const at = (counters: BucketCounters, weight = pos.previousWeight): RolledCounters =>
    ({ counters, weight, resetAt: counters.windowStart + windowMs });
  if (!stored || stored.windowStart < pos.previousStart) return at({ windowStart: pos.windowStart, current: 0, previous: 0 });
  if (stored.windowStart < pos.windowStart) return at({ windowStart: pos.windowStart, current: 0, previous: stored.current });
  if (stored.windowStart === pos.windowStart) return at(stored);
  return at(stored, 1);
}

/** One take against a bucket's counters: whether it is admitted, the counters after it and the result. */
export function takeFrom(stored: BucketCounters | null, take: { now: number; windowMs: number; limit: number; cost: number }):
  { allowed: boolean; counters: BucketCounters; result: RateLimitResult } {
  const { counters, weight, resetAt } = rollForward(stored, take.now, take.windowMs);
  const weighted = counters.previous * weight;
  const allowed = counters.current <= admitThreshold(take.limit, take.cost, weighted);
  return {
    allowed,
    counters: allowed ? { ...counters, current: counters.current + take.cost } : counters,
    result: takeResult(allowed, counters.current, take.cost, weighted, resetAt),
  };
}
