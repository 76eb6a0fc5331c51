import type { UsageIncrement, UsageStore } from '../ports.js';
import type { SqliteDb } from './database.js';

/**
 * API-key usage in SQLite: per-day counters and the last-used time, written in batches (one
 * transaction a flush) so the authenticate path itself never writes.
 */
export class SqliteUsage implements UsageStore {
  private readonly recordAll;
  private readonly lastMany;
  private readonly days;

  constructor(db: SqliteDb) {
    const add = db.prepare(`INSERT INTO api_key_usage (key_id, day, count) VALUES (@keyId, @day, @count)
      ON CONFLICT (key_id, day) DO UPDATE SET count = count + excluded.count`);
    const raise = db.prepare(`INSERT INTO api_key_last_used (key_id, last_used_at) VALUES (@keyId, @at)
      ON CONFLICT (key_id) DO UPDATE SET last_used_at = max(last_used_at, excluded.last_used_at)`);
    this.recordAll = db.transaction((increments: UsageIncrement[]) => {
      for (const i of increments) {
        add.run({ keyId: i.keyId, day: i.day, count: i.count });
        raise.run({ keyId: i.keyId, at: i.lastUsedAt.getTime() });
      }
    });
    this.lastMany = db.prepare<[string], { key_id: string; last_used_at: number }>(
      'SELECT key_id, last_used_at FROM api_key_last_used WHERE key_id IN (SELECT value FROM json_each(?))');
    this.days = db.prepare<[string, string, string], { day: string; count: number }>(
      'SELECT day, count FROM api_key_usage WHERE key_id = ? AND day >= ? AND day <= ? ORDER BY day');
  }

  async record(increments: UsageIncrement[]): Promise<void> {
    if (increments.length) this.recordAll.immediate(increments);
  }

  async lastUsedAtMany(keyIds: readonly string[]): Promise<Map<string, Date>> {
    if (keyIds.length === 0) return new Map();
    return new Map(this.lastMany.all(JSON.stringify(keyIds)).map((r) => [r.key_id, new Date(r.last_used_at)]));
  }

  async daily(keyId: string, fromDay: string, toDay: string): Promise<Array<{ day: string; count: number }>> {
    return this.days.all(keyId, fromDay, toDay).map((r) => ({ day: r.day, count: r.count }));
  }
}
