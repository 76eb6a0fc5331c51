import { Schema, type Connection, type Model } from 'mongoose';
import type { Factor, FactorStore, FactorType } from '../ports.js';
import { SCHEMA_OPTIONS, rethrowDuplicate, stringId } from './support.js';

interface Doc {
  _id: string; userId: string; type: FactorType; name: string; sealedSecret: string | null; credentialId: string | null;
  publicKey: string | null; transports: string[]; counter: number; confirmedAt: Date | null; createdAt: Date; lastUsedAt: Date | null;
}

const schema = new Schema<Doc>({
  _id: stringId,
  userId: { type: String, required: true },
  type: { type: String, required: true },
  name: { type: String, required: true },
  sealedSecret: { type: String, default: null },
  credentialId: { type: String, default: null },
  publicKey: { type: String, default: null },
  transports: { type: [String], default: [] },
  counter: { type: Number, required: true },
  confirmedAt: { type: Date, default: null },
  createdAt: { type: Date, required: true },
  lastUsedAt: { type: Date, default: null },
}, SCHEMA_OPTIONS);
schema.index({ userId: 1, _id: 1 });
// a passkey belongs to one person; TOTP factors have no credential id
schema.index({ credentialId: 1 }, { unique: true, partialFilterExpression: { credentialId: { $type: 'string' } } });

const fromDoc = (d: Doc): Factor => ({
  id: d._id, userId: d.userId, type: d.type, name: d.name, sealedSecret: d.sealedSecret ?? null, credentialId: d.credentialId ?? null,
  publicKey: d.publicKey ?? null, transports: [...(d.transports ?? [])], counter: d.counter, confirmedAt: d.confirmedAt ?? null,
  createdAt: d.createdAt, lastUsedAt: d.lastUsedAt ?? null,
});

/** Second factors in MongoDB (`mfa_factors`); confirming and advancing a counter are conditional single-document updates. */
export class MongoFactors implements FactorStore {
  readonly model: Model<Doc>;

  constructor(conn: Connection) {
    this.model = conn.model<Doc>('Factor', schema, 'mfa_factors');
  }

  async create(factor: Factor): Promise<void> {
    const { id, ...rest } = factor;
    try {
      await this.model.create({ _id: id, ...rest });
    } catch (err) {
      rethrowDuplicate(err, { credentialId: 'credential_id', _id: 'id' });
    }
  }

  async findById(userId: string, id: string): Promise<Factor | null> {
    const doc = await this.model.findOne({ _id: id, userId }).lean<Doc | null>();
    return doc ? fromDoc(doc) : null;
  }

  async findByCredentialId(credentialId: string): Promise<Factor | null> {
    const doc = await this.model.findOne({ credentialId }).lean<Doc | null>();
    return doc ? fromDoc(doc) : null;
  }

  async listByUser(userId: string): Promise<Factor[]> {
    return (await this.model.find({ userId }).sort({ _id: 1 }).lean<Doc[]>()).map(fromDoc);
  }

  async confirm(userId: string, id: string, counter: number, at: Date): Promise<boolean> {
    const result = await this.model.updateOne({ _id: id, userId, confirmedAt: null }, { $set: { confirmedAt: at, counter } });
    return result.modifiedCount === 1;
  }

  async advance(id: string, from: number, to: number, at: Date): Promise<boolean> {
    // matched, not modified: advancing 0 to 0 (an authenticator without a counter) with the same time changes no byte
    const result = await this.model.updateOne({ _id: id, counter: from }, { $set: { counter: to, lastUsedAt: at } });
    return result.matchedCount === 1;
  }

  async delete(userId: string, id: string): Promise<boolean> {
    return (await this.model.deleteOne({ _id: id, userId })).deletedCount === 1;
  }

  async deletePending(userId: string, type: FactorType): Promise<number> {
    return (await this.model.deleteMany({ userId, type, confirmedAt: null })).deletedCount;
  }
}
