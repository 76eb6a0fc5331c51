import { Schema, type Connection, type Model } from 'mongoose';
import type { SigningKey, SigningKeyStore } from '../ports.js';
import { SCHEMA_OPTIONS, rethrowDuplicate, setOf, stringId } from './support.js';

interface Doc {
  _id: string; alg: SigningKey['alg']; sealedPrivateJwk: string; publicJwk: Record<string, unknown>;
  createdAt: Date; retiredAt: Date | null; removeAfter: Date | null;
}

const schema = new Schema<Doc>({
  _id: stringId,
  alg: { type: String },
  sealedPrivateJwk: { type: String },
  publicJwk: { type: Schema.Types.Mixed, required: true },
  createdAt: { type: Date, required: true },
  retiredAt: { type: Date, default: null },
  removeAfter: { type: Date, default: null },
}, SCHEMA_OPTIONS);
schema.index({ createdAt: 1, _id: 1 });

const fromDoc = (d: Doc): SigningKey => ({
  kid: d._id, alg: d.alg, sealedPrivateJwk: d.sealedPrivateJwk, publicJwk: d.publicJwk, createdAt: d.createdAt,
  retiredAt: d.retiredAt ?? null, removeAfter: d.removeAfter ?? null,
});

/** Token signing keys in MongoDB (`signing_keys`; `_id` is the kid). */
export class MongoSigningKeys implements SigningKeyStore {
  readonly model: Model<Doc>;

  constructor(conn: Connection) {
    this.model = conn.model<Doc>('SigningKey', schema, 'signing_keys');
  }

  async create(k: SigningKey): Promise<void> {
    try {
      await this.model.create({
        _id: k.kid, alg: k.alg, sealedPrivateJwk: k.sealedPrivateJwk, publicJwk: k.publicJwk,
        createdAt: k.createdAt, retiredAt: k.retiredAt, removeAfter: k.removeAfter,
      });
    } catch (err) {
      rethrowDuplicate(err, { _id: 'kid' });
    }
  }

  /** oldest first */
  async list(): Promise<SigningKey[]> {
    const docs = await this.model.find({}).sort({ createdAt: 1, _id: 1 }).lean<Doc[]>();
    return docs.map(fromDoc);
  }

  async update(kid: string, patch: Partial<Pick<SigningKey, 'retiredAt' | 'removeAfter'>>): Promise<SigningKey | null> {
    const doc = await this.model.findOneAndUpdate({ _id: kid }, { $set: setOf(patch) }, { returnDocument: 'after' }).lean<Doc | null>();
    return doc ? fromDoc(doc) : null;
  }

  async delete(kid: string): Promise<boolean> {
    return (await this.model.deleteOne({ _id: kid })).deletedCount === 1;
  }
}
