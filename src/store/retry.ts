import { setTimeout as sleep } from 'node:timers/promises';
import { isStoreOutage } from './outage.js';

export interface RetryOptions {
  /** attempts in all, the first included (default 4) */
  attempts?: number;
  /** wait before the second attempt, doubled before each further one (default 50 ms) */
  backoffMs?: number;
}

/**
 * Runs an idempotent store operation again when it failed for want of a store (a dropped
 * connection, a primary stepping down: see `isStoreOutage`), with exponential backoff. For the
 * writes the MongoDB driver does not retry by itself (multi-document deletes). Any other error,
 * or the last attempt's, is thrown as is.
 */
export async function retryOnOutage<T>(operation: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const attempts = Math.max(1, options.attempts ?? 4);
  let wait = options.backoffMs ?? 50;
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation();
    } catch (err) {
      if (attempt >= attempts || !isStoreOutage(err)) throw err;
      await sleep(wait);
      wait *= 2;
    }
  }
}
