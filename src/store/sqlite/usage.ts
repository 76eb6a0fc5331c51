import type { UsageIncrement, UsageStore } from '../ports.js';
import { FLUSH_MEMORY_MS } from '../usage-flushes.js';
import type { SqliteDb } from './database.js';

/**
 * API-key usage in SQLite: per-day counters and the last-used time, written in batches (one
 * transaction a flush) so the authenticate path itself never writes. A flush with an id first
 * claims it in `usage_flushes` inside the same transaction: a retried flush adds nothing.
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
    const claim = db.prepare('INSERT INTO usage_flushes (id, expires_at) VALUES (?, ?) ON CONFLICT (id) DO NOTHING');
    this.recordAll = db.transaction((increments: UsageIncrement[], flushId: string | undefined) => {
      if (flushId && claim.run(flushId, Date.now() + FLUSH_MEMORY_MS).changes === 0) return; // applied already
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

  async record(increments: UsageIncrement[], flushId?: string): Promise<void> {
    if (increments.length) this.recordAll.immediate(increments, flushId);
  }

  async lastUsedAtMany(keyIds: readonly string[]): Promise<Map<string, Date>> {
    if (keyIds.length === 0) return new Map();
    return new Map(this.lastMany.all(JSON.stringify(keyIds)).map((r) => [r.key_id, new Date(r.last_used_at)]));
  }

  async daily(keyId: string, fromDay: string, toDay: string): Promise<Array<{ day: string; count: number }>> {
    return this.days.all(keyId, fromDay, toDay).map((r) => ({ day: r.day, count: r.count }));
  }
}
