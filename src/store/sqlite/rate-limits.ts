import type { RateLimitResult, RateLimitStore, RateLimitTake } from '../ports.js';
import { counterExpiry, takeFrom, type BucketCounters } from '../sliding-window.js';
import type { SqliteDb } from './database.js';

/**
 * Sliding-window rate limits in SQLite: one row per (bucket, fixed window). A take reads the
 * bucket's two newest windows and increments the one it counts in inside a single
 * `BEGIN IMMEDIATE` transaction, so takes from every process sharing the file serialise on the
 * write lock and the limit holds exactly. The arithmetic (including a take whose clock is behind
 * the bucket's newest window) is `takeFrom`'s, shared with the MongoDB adapter.
 */
export class SqliteRateLimits implements RateLimitStore {
  private readonly takeTx;
  private readonly remove;

  constructor(db: SqliteDb) {
    const newest = db.prepare<[string], { window_start: number; count: number }>(
      'SELECT window_start, count FROM rate_limits WHERE bucket = ? ORDER BY window_start DESC LIMIT 2');
    const add = db.prepare(`INSERT INTO rate_limits (bucket, window_start, count, expires_at) VALUES (@bucket, @start, @cost, @expires)
      ON CONFLICT (bucket, window_start) DO UPDATE SET count = count + excluded.count`);
    this.takeTx = db.transaction((input: RateLimitTake): RateLimitResult => {
      const [last, before] = newest.all(input.bucket);
      const stored: BucketCounters | null = last ? {
        windowStart: last.window_start,
        current: last.count,
        previous: before && before.window_start === last.window_start - input.windowMs ? before.count : 0,
      } : null;
      const { allowed, counters, result } = takeFrom(stored, input);
      if (allowed) {
        add.run({ bucket: input.bucket, start: counters.windowStart, cost: input.cost, expires: counterExpiry(counters.windowStart, input.windowMs) });
      }
      return result;
    });
    this.remove = db.prepare('DELETE FROM rate_limits WHERE bucket = ?');
  }

  async take(input: RateLimitTake): Promise<RateLimitResult> {
    return this.takeTx.immediate(input);
  }

  async reset(bucket: string): Promise<void> {
    this.remove.run(bucket);
  }
}
