import { Schema, type Connection, type Model } from 'mongoose';
import type { AccountToken, AccountTokenKind, AccountTokenStore } from '../ports.js';
import { SCHEMA_OPTIONS, rethrowDuplicate, stringId } from './support.js';

interface Doc {
  _id: string; kind: AccountTokenKind; userId: string | null; digest: string; binding: string | null;
  createdAt: Date; expiresAt: Date; usedAt: Date | null;
}

const schema = new Schema<Doc>({
  _id: stringId,
  kind: { type: String, required: true },
  userId: { type: String, default: null },
  digest: { type: String, required: true },
  binding: { type: String, default: null },
  createdAt: { type: Date, required: true },
  expiresAt: { type: Date, required: true },
  usedAt: { type: Date, default: null },
}, SCHEMA_OPTIONS);
schema.index({ digest: 1 }, { unique: true });
schema.index({ userId: 1, kind: 1 });
// an expired link or challenge is useless: the TTL monitor removes it (reads check the expiry anyway)
schema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });

const fromDoc = (d: Doc): AccountToken => ({
  id: d._id, kind: d.kind, userId: d.userId ?? null, digest: d.digest, binding: d.binding ?? null, createdAt: d.createdAt,
  expiresAt: d.expiresAt, usedAt: d.usedAt ?? null,
});

/** Single-use links and challenges in MongoDB (`account_tokens`); using one is a conditional `findOneAndUpdate`. */
export class MongoAccountTokens implements AccountTokenStore {
  readonly model: Model<Doc>;

  constructor(conn: Connection) {
    this.model = conn.model<Doc>('AccountToken', schema, 'account_tokens');
  }

  async create(token: AccountToken): Promise<void> {
    const { id, ...rest } = token;
    try {
      await this.model.create({ _id: id, ...rest });
    } catch (err) {
      rethrowDuplicate(err, { digest: 'digest', _id: 'id' });
    }
  }

  async findByDigest(digest: string): Promise<AccountToken | null> {
    const doc = await this.model.findOne({ digest }).lean<Doc | null>();
    return doc ? fromDoc(doc) : null;
  }

  async consume(digest: string, at: Date): Promise<AccountToken | null> {
    const doc = await this.model.findOneAndUpdate({ digest, usedAt: null, expiresAt: { $gt: at } }, { $set: { usedAt: at } },
      { returnDocument: 'before' }).lean<Doc | null>();
    return doc ? fromDoc(doc) : null;
  }

  async revokeAll(userId: string, kind: AccountTokenKind, at: Date): Promise<number> {
    const result = await this.model.updateMany({ userId, kind, usedAt: null }, { $set: { usedAt: at } });
    return result.modifiedCount;
  }
}
