import { Schema, type Connection, type Model } from 'mongoose';
import type { RecoveryCodeStore } from '../ports.js';
import { SCHEMA_OPTIONS, stringId } from './support.js';

interface Code { digest: string; usedAt: Date | null }
interface Doc { _id: string; codes: Code[]; createdAt: Date }

const schema = new Schema<Doc>({
  _id: stringId,
  codes: { type: [{ _id: false, digest: { type: String, required: true }, usedAt: { type: Date, default: null } }], default: [] },
  createdAt: { type: Date, required: true },
}, SCHEMA_OPTIONS);

/**
 * Recovery codes in MongoDB (`recovery_codes`): one document per person, `_id` = the user id, so
 * replacing the set is one whole-document write and using a code one conditional update of the
 * array element (`$elemMatch` on an unused code with that digest).
 */
export class MongoRecoveryCodes implements RecoveryCodeStore {
  readonly model: Model<Doc>;

  constructor(conn: Connection) {
    this.model = conn.model<Doc>('RecoveryCodes', schema, 'recovery_codes');
  }

  async replace(userId: string, digests: string[], at: Date): Promise<void> {
    const codes = [...new Set(digests)].map((digest) => ({ digest, usedAt: null }));
    await this.model.collection.replaceOne({ _id: userId } as never, { codes, createdAt: at }, { upsert: true });
  }

  async consume(userId: string, digest: string, at: Date): Promise<boolean> {
    const result = await this.model.updateOne({ _id: userId, codes: { $elemMatch: { digest, usedAt: null } } }, { $set: { 'codes.$.usedAt': at } });
    return result.modifiedCount === 1;
  }

  async countUnused(userId: string): Promise<number> {
    const doc = await this.model.findById(userId).lean<Doc | null>();
    return (doc?.codes ?? []).filter((c) => !c.usedAt).length;
  }

  async deleteAll(userId: string): Promise<void> {
    await this.model.deleteOne({ _id: userId });
  }
}
