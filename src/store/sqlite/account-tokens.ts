import type { AccountToken, AccountTokenKind, AccountTokenStore } from '../ports.js';
import type { SqliteDb } from './database.js';
import { date, fromMs, rethrowUnique, toMs } from './rows.js';

interface Row {
  id: string; kind: AccountTokenKind; user_id: string | null; digest: string; binding: string | null;
  created_at: number; expires_at: number; used_at: number | null;
}

const fromRow = (r: Row): AccountToken => ({
  id: r.id, kind: r.kind, userId: r.user_id, digest: r.digest, binding: r.binding, createdAt: date(r.created_at),
  expiresAt: date(r.expires_at), usedAt: fromMs(r.used_at),
});

/** Single-use links and challenges in SQLite; using one is a conditional UPDATE inside `BEGIN IMMEDIATE`. */
export class SqliteAccountTokens implements AccountTokenStore {
  private readonly insert;
  private readonly byDigest;
  private readonly consumeTx;
  private readonly revokeStmt;

  constructor(db: SqliteDb) {
    this.insert = db.prepare(`INSERT INTO account_tokens (id, kind, user_id, digest, binding, created_at, expires_at, used_at)
      VALUES (@id, @kind, @user_id, @digest, @binding, @created_at, @expires_at, @used_at)`);
    this.byDigest = db.prepare<[string], Row>('SELECT * FROM account_tokens WHERE digest = ?');
    const use = db.prepare('UPDATE account_tokens SET used_at = @at WHERE digest = @digest AND used_at IS NULL AND expires_at > @at');
    this.consumeTx = db.transaction((digest: string, at: number): Row | null => {
      const row = this.byDigest.get(digest);
      return row && use.run({ digest, at }).changes === 1 ? row : null;
    });
    this.revokeStmt = db.prepare('UPDATE account_tokens SET used_at = @at WHERE user_id = @user AND kind = @kind AND used_at IS NULL');
  }

  async create(t: AccountToken): Promise<void> {
    try {
      this.insert.run({
        id: t.id, kind: t.kind, user_id: t.userId, digest: t.digest, binding: t.binding, created_at: t.createdAt.getTime(),
        expires_at: t.expiresAt.getTime(), used_at: toMs(t.usedAt),
      });
    } catch (err) {
      rethrowUnique(err, { digest: 'digest', id: 'id' });
    }
  }

  async findByDigest(digest: string): Promise<AccountToken | null> {
    const row = this.byDigest.get(digest);
    return row ? fromRow(row) : null;
  }

  async consume(digest: string, at: Date): Promise<AccountToken | null> {
    const row = this.consumeTx.immediate(digest, at.getTime());
    return row ? fromRow(row) : null;
  }

  async revokeAll(userId: string, kind: AccountTokenKind, at: Date): Promise<number> {
    return this.revokeStmt.run({ user: userId, kind, at: at.getTime() }).changes;
  }
}
