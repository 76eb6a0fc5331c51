import type { SingleUseStore } from '../ports.js';
import type { SqliteDb } from './database.js';

/**
 * Single-use claims in SQLite (`single_use`): one statement that inserts the key, or takes over
 * a row whose claim has expired; SQLite's write lock makes it atomic across processes sharing
 * the file, and `changes` tells whether this call made the claim.
 */
export class SqliteSingleUse implements SingleUseStore {
  private readonly upsert;

  constructor(db: SqliteDb) {
    this.upsert = db.prepare(`INSERT INTO single_use (key, expires_at) VALUES (@key, @expires)
      ON CONFLICT (key) DO UPDATE SET expires_at = excluded.expires_at WHERE single_use.expires_at <= @now`);
  }

  async claim(key: string, expiresAt: Date, now: Date = new Date()): Promise<boolean> {
    return this.upsert.run({ key, expires: expiresAt.getTime(), now: now.getTime() }).changes === 1;
  }
}
