import type { Admission } from './rate-limiter.js';

/**
 * The `RateLimit-Limit`, `RateLimit-Remaining` and `RateLimit-Reset` (seconds until the window
 * ends) headers of an admission, as in draft-ietf-httpapi-ratelimit-headers.
 */
export function rateLimitHeaders(admission: Admission, now: number = Date.now()): Record<string, string> {
  return {
    'RateLimit-Limit': String(admission.limit),
    'RateLimit-Remaining': String(admission.remaining),
    'RateLimit-Reset': String(secondsUntil(admission.resetAt, now)),
  };
}

/** Whole seconds until `at` (at least 1, so a client never retries in a tight loop). */
export function secondsUntil(at: number, now: number = Date.now()): number {
  return Math.max(1, Math.ceil((at - now) / 1000));
}
