import { Schema, type Connection, type Model } from 'mongoose';
import type { SingleUseStore } from '../ports.js';
import { SCHEMA_OPTIONS, isDuplicate, stringId } from './support.js';

interface Doc { _id: string; expiresAt: Date }

const schema = new Schema<Doc>({
  _id: stringId,
  expiresAt: { type: Date, required: true },
}, SCHEMA_OPTIONS);
schema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });

/**
 * Single-use claims in MongoDB (`single_use_claims`, `_id` = the key, removed by a TTL index once
 * expired). A claim is an insert; on a duplicate key it takes over the document only if that
 * claim has expired (the TTL monitor runs about once a minute), in one conditional update, so two
 * instances can never both succeed.
 */
export class MongoSingleUse implements SingleUseStore {
  readonly model: Model<Doc>;

  constructor(conn: Connection) {
    this.model = conn.model<Doc>('SingleUseClaim', schema, 'single_use_claims');
  }

  async claim(key: string, expiresAt: Date, now: Date = new Date()): Promise<boolean> {
    try {
      await this.model.create({ _id: key, expiresAt });
      return true;
    } catch (err) {
      if (!isDuplicate(err)) throw err;
    }
    const taken = await this.model.updateOne({ _id: key, expiresAt: { $lte: now } }, { $set: { expiresAt } });
    return taken.modifiedCount === 1;
  }
}
