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
