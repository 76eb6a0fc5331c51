import type { RecoveryCodeStore } from '../ports.js';
import type { SqliteDb } from './database.js';

/** Recovery codes in SQLite: one row per code; replacing them is one transaction, using one a conditional UPDATE. */
export class SqliteRecoveryCodes implements RecoveryCodeStore {
  private readonly replaceTx;
  private readonly use;
  private readonly unused;
  private readonly removeAll;

  constructor(db: SqliteDb) {
    const insert = db.prepare('INSERT INTO recovery_codes (user_id, digest, created_at, used_at) VALUES (?, ?, ?, NULL)');
    this.removeAll = db.prepare('DELETE FROM recovery_codes WHERE user_id = ?');
    this.replaceTx = db.transaction((userId: string, digests: string[], at: number) => {
      this.removeAll.run(userId);
      for (const digest of new Set(digests)) insert.run(userId, digest, at);
    });
    this.use = db.prepare('UPDATE recovery_codes SET used_at = ? WHERE user_id = ? AND digest = ? AND used_at IS NULL');
    this.unused = db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM recovery_codes WHERE user_id = ? AND used_at IS NULL');
  }

  async replace(userId: string, digests: string[], at: Date): Promise<void> {
    this.replaceTx.immediate(userId, digests, at.getTime());
  }

  async consume(userId: string, digest: string, at: Date): Promise<boolean> {
    return this.use.run(at.getTime(), userId, digest).changes === 1;
  }

  async countUnused(userId: string): Promise<number> {
    return this.unused.get(userId)?.n ?? 0;
  }

  async deleteAll(userId: string): Promise<void> {
    this.removeAll.run(userId);
  }
}
