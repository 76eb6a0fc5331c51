import { Schema, type Connection, type Model } from 'mongoose';
import type { JobLeaseStore } from '../ports.js';
import { SCHEMA_OPTIONS, isDuplicate, stringId } from './support.js';

interface Doc { _id: string; owner: string | null; expiresAt: Date; state: Record<string, unknown> }

const schema = new Schema<Doc>({
  _id: stringId,
  owner: { type: String, default: null },
  expiresAt: { type: Date, required: true },
  state: { type: Schema.Types.Mixed, default: {} },
}, SCHEMA_OPTIONS);

/**
 * Job leases in MongoDB (`job_leases`, `_id` = the job's name). Taking one is an upsert matching
 * only a free, expired or own lease: when another owner holds it, the upsert's insert collides
 * with the existing `_id` (duplicate key), which means "held".
 */
export class MongoJobLeases implements JobLeaseStore {
  readonly model: Model<Doc>;

  constructor(conn: Connection) {
    this.model = conn.model<Doc>('JobLease', schema, 'job_leases');
  }

  async acquire(name: string, owner: string, now: Date, until: Date): Promise<Record<string, unknown> | null> {
    try {
      const doc = await this.model.findOneAndUpdate(
        { _id: name, $or: [{ owner: null }, { owner }, { expiresAt: { $lte: now } }] },
        { $set: { owner, expiresAt: until }, $setOnInsert: { state: {} } },
        { upsert: true, returnDocument: 'after' },
      ).lean<Doc | null>();
      return doc?.state ?? {};
    } catch (err) {
      if (isDuplicate(err)) return null;
      throw err;
    }
  }

  async release(name: string, owner: string, state: Record<string, unknown>): Promise<boolean> {
    const plain = JSON.parse(JSON.stringify(state)) as Record<string, unknown>;
    const result = await this.model.updateOne({ _id: name, owner }, { $set: { owner: null, expiresAt: new Date(0), state: plain } });
    return result.matchedCount === 1;
  }
}
