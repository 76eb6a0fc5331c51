import { Schema, type Connection, type Model } from 'mongoose';
import type { ConsoleSessionRecord, ConsoleSessionStore } from '../ports.js';
import { SCHEMA_OPTIONS, rethrowDuplicate, stringId } from './support.js';

interface Doc { _id: string; sealed: string; version: number; createdAt: Date; expiresAt: Date }

const schema = new Schema<Doc>({
  _id: stringId,
  sealed: { type: String, required: true },
  version: { type: Number, required: true },
  createdAt: { type: Date, required: true },
  expiresAt: { type: Date, required: true },
}, SCHEMA_OPTIONS);
// the TTL monitor removes a session within about a minute of `expiresAt`; reads filter on it too
schema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });

const fromDoc = (d: Doc): ConsoleSessionRecord => ({
  id: d._id, sealed: d.sealed, version: d.version, createdAt: d.createdAt, expiresAt: d.expiresAt,
});

/** Console sessions in MongoDB (`console_sessions`); the update is one conditional `findOneAndUpdate`. */
export class MongoConsoleSessions implements ConsoleSessionStore {
  readonly model: Model<Doc>;

  constructor(conn: Connection) {
    this.model = conn.model<Doc>('ConsoleSession', schema, 'console_sessions');
  }

  async create(s: ConsoleSessionRecord): Promise<void> {
    try {
      await this.model.create({ _id: s.id, sealed: s.sealed, version: s.version, createdAt: s.createdAt, expiresAt: s.expiresAt });
    } catch (err) {
      rethrowDuplicate(err, { _id: 'id' });
    }
  }

  async find(id: string): Promise<ConsoleSessionRecord | null> {
    const doc = await this.model.findOne({ _id: id, expiresAt: { $gt: new Date() } }).lean<Doc | null>();
    return doc ? fromDoc(doc) : null;
  }

  async update(id: string, expectedVersion: number, change: Pick<ConsoleSessionRecord, 'sealed' | 'expiresAt'>): Promise<ConsoleSessionRecord | null> {
    const doc = await this.model.findOneAndUpdate(
      { _id: id, version: expectedVersion, expiresAt: { $gt: new Date() } },
      { $set: { sealed: change.sealed, expiresAt: change.expiresAt }, $inc: { version: 1 } },
      { returnDocument: 'after' },
    ).lean<Doc | null>();
    return doc ? fromDoc(doc) : null;
  }

  async delete(id: string): Promise<boolean> {
    return (await this.model.deleteOne({ _id: id })).deletedCount === 1;
  }
}
