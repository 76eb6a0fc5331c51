import type { RateLimitResult, RateLimitStore, RateLimitTake } from '../ports.js';
import { admitThreshold, counterExpiry, takeResult, windowPosition } from '../sliding-window.js';
import type { SqliteDb } from './database.js';

/**
 * Sliding-window rate limits in SQLite: one row per (bucket, fixed window). A take reads the
 * previous and current window and increments the current one inside a single `BEGIN IMMEDIATE`
 * transaction, so takes from every process sharing the file serialise on the write lock and the
 * limit holds exactly. Statements are prepared once; the whole take is one short transaction.
 */
export class SqliteRateLimits implements RateLimitStore {
  private readonly takeTx;
  private readonly remove;

  constructor(db: SqliteDb) {
    const count = db.prepare<[string, number], { count: number }>('SELECT count FROM rate_limits WHERE bucket = ? AND window_start = ?');
    const add = db.prepare(`INSERT INTO rate_limits (bucket, window_start, count, expires_at) VALUES (@bucket, @start, @cost, @expires)
      ON CONFLICT (bucket, window_start) DO UPDATE SET count = count + excluded.count`);
    this.takeTx = db.transaction((input: RateLimitTake): RateLimitResult => {
      const pos = windowPosition(input.now, input.windowMs);
      const previous = count.get(input.bucket, pos.previousStart)?.count ?? 0;
      const current = count.get(input.bucket, pos.windowStart)?.count ?? 0;
      const weighted = previous * pos.previousWeight;
      const allowed = current <= admitThreshold(input.limit, input.cost, weighted);
      if (allowed) {
        add.run({ bucket: input.bucket, start: pos.windowStart, cost: input.cost, expires: counterExpiry(pos.windowStart, input.windowMs) });
      }
      return takeResult(allowed, current, input.cost, weighted, pos.resetAt);
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
