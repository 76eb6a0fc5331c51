import type { SigningKey, SigningKeyStore } from '../ports.js';
import type { SqliteDb } from './database.js';
import { date, fromMs, json, parse, patchRow, rethrowUnique, toMs, type RowCodec } from './rows.js';

interface Row {
  kid: string; alg: string; sealed_private_jwk: string; public_jwk: string; created_at: number;
  retired_at: number | null; remove_after: number | null;
}

const codec: RowCodec<Row, SigningKey> = {
  fromRow: (r) => ({
    kid: r.kid, alg: r.alg as SigningKey['alg'], sealedPrivateJwk: r.sealed_private_jwk,
    publicJwk: parse<Record<string, unknown>>(r.public_jwk), createdAt: date(r.created_at),
    retiredAt: fromMs(r.retired_at), removeAfter: fromMs(r.remove_after),
  }),
  toRow: (k) => ({
    kid: k.kid, alg: k.alg, sealed_private_jwk: k.sealedPrivateJwk, public_jwk: json(k.publicJwk),
    created_at: k.createdAt.getTime(), retired_at: toMs(k.retiredAt), remove_after: toMs(k.removeAfter),
  }),
};

/** Token signing keys in SQLite (private halves sealed by the caller). */
export class SqliteSigningKeys implements SigningKeyStore {
  private readonly insert;
  private readonly byKid;
  private readonly all;
  private readonly write;
  private readonly remove;

  constructor(private readonly db: SqliteDb) {
    this.insert = db.prepare(`INSERT INTO signing_keys (kid, alg, sealed_private_jwk, public_jwk, created_at, retired_at, remove_after)
      VALUES (@kid, @alg, @sealed_private_jwk, @public_jwk, @created_at, @retired_at, @remove_after)`);
    this.byKid = db.prepare<[string], Row>('SELECT * FROM signing_keys WHERE kid = ?');
    this.all = db.prepare<[], Row>('SELECT * FROM signing_keys ORDER BY created_at, kid');
    this.write = db.prepare('UPDATE signing_keys SET retired_at = @retired_at, remove_after = @remove_after WHERE kid = @kid');
    this.remove = db.prepare('DELETE FROM signing_keys WHERE kid = ?');
  }

  async create(key: SigningKey): Promise<void> {
    try {
      this.insert.run(codec.toRow(key));
    } catch (err) {
      rethrowUnique(err, { kid: 'kid' });
    }
  }

  /** oldest first */
  async list(): Promise<SigningKey[]> {
    return this.all.all().map(codec.fromRow);
  }

  async update(kid: string, patch: Partial<Pick<SigningKey, 'retiredAt' | 'removeAfter'>>): Promise<SigningKey | null> {
    return patchRow(this.db, codec, () => this.byKid.get(kid), (row) => this.write.run(row), patch);
  }

  async delete(kid: string): Promise<boolean> {
    return this.remove.run(kid).changes > 0;
  }
}
