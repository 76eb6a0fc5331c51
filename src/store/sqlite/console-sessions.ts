import type { ConsoleSessionRecord, ConsoleSessionStore } from '../ports.js';
import type { SqliteDb } from './database.js';
import { date, rethrowUnique } from './rows.js';

interface Row { id: string; sealed: string; version: number; created_at: number; expires_at: number }

const fromRow = (r: Row): ConsoleSessionRecord => ({
  id: r.id, sealed: r.sealed, version: r.version, createdAt: date(r.created_at), expiresAt: date(r.expires_at),
});

/**
 * Console sessions in SQLite (`console_sessions`). The update is one conditional `UPDATE … WHERE
 * version = ?`, atomic across processes sharing the file.
 */
export class SqliteConsoleSessions implements ConsoleSessionStore {
  private readonly insert;
  private readonly byId;
  private readonly write;
  private readonly remove;

  constructor(db: SqliteDb) {
    this.insert = db.prepare(`INSERT INTO console_sessions (id, sealed, version, created_at, expires_at)
      VALUES (@id, @sealed, @version, @created_at, @expires_at)`);
    this.byId = db.prepare<[string, number], Row>('SELECT * FROM console_sessions WHERE id = ? AND expires_at > ?');
    this.write = db.prepare<[Record<string, string | number>], Row>(`UPDATE console_sessions
      SET sealed = @sealed, expires_at = @expires_at, version = version + 1
      WHERE id = @id AND version = @version AND expires_at > @now RETURNING *`);
    this.remove = db.prepare('DELETE FROM console_sessions WHERE id = ?');
  }

  async create(s: ConsoleSessionRecord): Promise<void> {
    try {
      this.insert.run({ id: s.id, sealed: s.sealed, version: s.version, created_at: s.createdAt.getTime(), expires_at: s.expiresAt.getTime() });
    } catch (err) {
      rethrowUnique(err, { id: 'id' });
    }
  }

  async find(id: string): Promise<ConsoleSessionRecord | null> {
    const row = this.byId.get(id, Date.now());
    return row ? fromRow(row) : null;
  }

  async update(id: string, expectedVersion: number, change: Pick<ConsoleSessionRecord, 'sealed' | 'expiresAt'>): Promise<ConsoleSessionRecord | null> {
    const row = this.write.get({ sealed: change.sealed, expires_at: change.expiresAt.getTime(), id, version: expectedVersion, now: Date.now() });
    return row ? fromRow(row) : null;
  }

  async delete(id: string): Promise<boolean> {
    return this.remove.run(id).changes === 1;
  }
}
