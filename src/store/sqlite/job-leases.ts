import type { JobLeaseStore } from '../ports.js';
import type { SqliteDb } from './database.js';
import { parse } from './rows.js';

/**
 * Job leases in SQLite: one row per job. Taking one is a single upsert that only overwrites an
 * expired or own lease, so of concurrent takers (any process sharing the file) one wins.
 */
export class SqliteJobLeases implements JobLeaseStore {
  private readonly take;
  private readonly give;

  constructor(db: SqliteDb) {
    this.take = db.prepare<[{ name: string; owner: string; now: number; until: number }], { state: string }>(`INSERT INTO job_leases
      (name, owner, expires_at, state) VALUES (@name, @owner, @until, '{}')
      ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at
        WHERE job_leases.expires_at <= @now OR job_leases.owner = excluded.owner OR job_leases.owner IS NULL
      RETURNING state`);
    this.give = db.prepare(`UPDATE job_leases SET owner = NULL, expires_at = 0, state = @state WHERE name = @name AND owner = @owner`);
  }

  async acquire(name: string, owner: string, now: Date, until: Date): Promise<Record<string, unknown> | null> {
    const row = this.take.get({ name, owner, now: now.getTime(), until: until.getTime() });
    return row ? parse<Record<string, unknown>>(row.state) : null;
  }

  async release(name: string, owner: string, state: Record<string, unknown>): Promise<boolean> {
    return this.give.run({ name, owner, state: JSON.stringify(state) }).changes === 1;
  }
}
