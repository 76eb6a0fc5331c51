import type { Factor, FactorStore, FactorType } from '../ports.js';
import type { SqliteDb } from './database.js';
import { date, fromMs, json, parse, rethrowUnique, toMs } from './rows.js';

interface Row {
  id: string; user_id: string; type: FactorType; name: string; sealed_secret: string | null; credential_id: string | null;
  public_key: string | null; transports: string; counter: number; confirmed_at: number | null; created_at: number;
  last_used_at: number | null;
}

const fromRow = (r: Row): Factor => ({
  id: r.id, userId: r.user_id, type: r.type, name: r.name, sealedSecret: r.sealed_secret, credentialId: r.credential_id,
  publicKey: r.public_key, transports: parse<string[]>(r.transports), counter: Number(r.counter), confirmedAt: fromMs(r.confirmed_at),
  createdAt: date(r.created_at), lastUsedAt: fromMs(r.last_used_at),
});

/** Second factors in SQLite; confirming and advancing a counter are conditional UPDATEs (compare-and-set). */
export class SqliteFactors implements FactorStore {
  private readonly insert;
  private readonly byId;
  private readonly byCredential;
  private readonly byUser;
  private readonly confirmStmt;
  private readonly advanceStmt;
  private readonly remove;
  private readonly removePending;

  constructor(db: SqliteDb) {
    this.insert = db.prepare(`INSERT INTO mfa_factors (id, user_id, type, name, sealed_secret, credential_id, public_key, transports,
      counter, confirmed_at, created_at, last_used_at) VALUES (@id, @user_id, @type, @name, @sealed_secret, @credential_id, @public_key,
      @transports, @counter, @confirmed_at, @created_at, @last_used_at)`);
    this.byId = db.prepare<[string, string], Row>('SELECT * FROM mfa_factors WHERE user_id = ? AND id = ?');
    this.byCredential = db.prepare<[string], Row>('SELECT * FROM mfa_factors WHERE credential_id = ?');
    this.byUser = db.prepare<[string], Row>('SELECT * FROM mfa_factors WHERE user_id = ? ORDER BY id');
    this.confirmStmt = db.prepare(`UPDATE mfa_factors SET confirmed_at = @at, counter = @counter
      WHERE user_id = @user AND id = @id AND confirmed_at IS NULL`);
    this.advanceStmt = db.prepare('UPDATE mfa_factors SET counter = @to, last_used_at = @at WHERE id = @id AND counter = @from');
    this.remove = db.prepare('DELETE FROM mfa_factors WHERE user_id = ? AND id = ?');
    this.removePending = db.prepare('DELETE FROM mfa_factors WHERE user_id = ? AND type = ? AND confirmed_at IS NULL');
  }

  async create(f: Factor): Promise<void> {
    try {
      this.insert.run({
        id: f.id, user_id: f.userId, type: f.type, name: f.name, sealed_secret: f.sealedSecret, credential_id: f.credentialId,
        public_key: f.publicKey, transports: json(f.transports), counter: f.counter, confirmed_at: toMs(f.confirmedAt),
        created_at: f.createdAt.getTime(), last_used_at: toMs(f.lastUsedAt),
      });
    } catch (err) {
      rethrowUnique(err, { credential_id: 'credential_id', id: 'id' });
    }
  }

  async findById(userId: string, id: string): Promise<Factor | null> {
    const row = this.byId.get(userId, id);
    return row ? fromRow(row) : null;
  }

  async findByCredentialId(credentialId: string): Promise<Factor | null> {
    const row = this.byCredential.get(credentialId);
    return row ? fromRow(row) : null;
  }

  async listByUser(userId: string): Promise<Factor[]> {
    return this.byUser.all(userId).map(fromRow);
  }

  async confirm(userId: string, id: string, counter: number, at: Date): Promise<boolean> {
    return this.confirmStmt.run({ user: userId, id, counter, at: at.getTime() }).changes === 1;
  }

  async advance(id: string, from: number, to: number, at: Date): Promise<boolean> {
    return this.advanceStmt.run({ id, from, to, at: at.getTime() }).changes === 1;
  }

  async delete(userId: string, id: string): Promise<boolean> {
    return this.remove.run(userId, id).changes === 1;
  }

  async deletePending(userId: string, type: FactorType): Promise<number> {
    return this.removePending.run(userId, type).changes;
  }
}
