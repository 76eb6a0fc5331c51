import type { WebhooksConfig } from '../config/schema.js';

/** The share of each wait that is random, either way: instances retrying together spread out. */
export const JITTER = 0.2;

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
  const base = Math.min(retry.firstDelaySeconds * 2 ** Math.max(0, failedAttempts - 1), retry.maxDelaySeconds) * 1000;
  const jittered = base * (1 + JITTER * (2 * random() - 1));
  return new Date(failedAt.getTime() + Math.round(jittered));
}
