/** The share of each wait that is random, either way: instances retrying together spread out. */
export const JITTER = 0.2;

/**
 * How long to wait after the `failedAttempts`-th failure of work retried with exponential
 * backoff (mail, webhook deliveries): `firstMs × 2^(failedAttempts − 1)`, at most `maxMs`, then
 * ±20 % jitter, in whole milliseconds.
 * @param random uniform in [0, 1) (tests pass a fixed one; 0.5 is no jitter)
 */
export function backoffMs(firstMs: number, maxMs: number, failedAttempts: number, random: () => number = Math.random): number {
  const plain = Math.min(firstMs * 2 ** Math.max(0, failedAttempts - 1), maxMs);
  return Math.round(plain * (1 + JITTER * (2 * random() - 1)));
}
