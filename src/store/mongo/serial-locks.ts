import { Schema, type ClientSession, type Connection, type Model } from 'mongoose';
import { SCHEMA_OPTIONS, isDuplicate, stringId } from './support.js';

interface LockDoc { _id: string; version: number }
const schema = new Schema<LockDoc>({ _id: stringId, version: { type: Number, default: 0 } }, SCHEMA_OPTIONS);

/**
 * One document per key (e.g. an organization) that every transaction counting something of that
 * key writes first: two such transactions then write the same document, so MongoDB aborts one
 * with a write conflict and `withTransaction` retries it after the other committed, when it counts
 * what the first inserted. Without that shared write, snapshot isolation would let both count the
 * same number and both insert (write skew). The same device as the API-key cap lock.
 */
export class SerialLocks {
  readonly model: Model<LockDoc>;

  constructor(conn: Connection, modelName: string, collection: string) {
    this.model = conn.model<LockDoc>(modelName, schema.clone(), collection);
  }

  /**
   * Makes sure the key's document exists before a transaction touches it, so transactions only
   * ever conflict on its update (a retried write conflict), never on its insert.
   */
  async ensure(key: string): Promise<void> {
    await this.model.updateOne({ _id: key }, { $setOnInsert: { version: 0 } }, { upsert: true }).catch((err: unknown) => {
      if (!isDuplicate(err)) throw err;
    });
  }

  /** The write that serialises this transaction with every other one on `key`. */
  async hold(key: string, session: ClientSession): Promise<void> {
    await this.model.updateOne({ _id: key }, { $inc: { version: 1 } }, { session, upsert: true });
  }
}
