import type { WebhooksConfig } from '../config/schema.js';
import { backoffMs } from '../domain/backoff.js';

export { JITTER } from '../domain/backoff.js';

/**
 * The retry schedule: after the n-th failed attempt, wait `firstDelaySeconds × 2^(n-1)`, at most
 * `maxDelaySeconds`, ±20 % jitter (30 s, 1 min, 2 min, … 4 h, 4 h, … with the defaults). A
 * delivery is given up when an attempt fails `giveUpAfterHours` or more after the delivery was
 * made, so every delivery is tried for at least that long (24 h by default).
 * @param random uniform in [0, 1) (tests pass a fixed one)
 * @returns when to try next, or null to give up
 */
export function nextAttemptAt(retry: WebhooksConfig['retry'], failedAttempts: number, createdAt: Date, failedAt: Date,
  random: () => number = Math.random): Date | null {
  if (failedAt.getTime() - createdAt.getTime() >= retry.giveUpAfterHours * 3_600_000) return null;
  return new Date(failedAt.getTime() + backoffMs(retry.firstDelaySeconds * 1000, retry.maxDelaySeconds * 1000, failedAttempts, random));
}
