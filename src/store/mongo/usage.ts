import { Schema, type ClientSession, type Connection, type Model } from 'mongoose';
import type { UsageIncrement, UsageStore } from '../ports.js';
import { FLUSH_MEMORY_MS } from '../usage-flushes.js';
import { SCHEMA_OPTIONS, stringId } from './support.js';
import { inTransaction } from './transactions.js';

interface DayDoc { _id: string; keyId: string; day: string; count: number }
interface LastDoc { _id: string; lastUsedAt: Date }
interface FlushDoc { _id: string; expiresAt: Date }

const daySchema = new Schema<DayDoc>({
  _id: stringId,
  keyId: { type: String },
  day: { type: String },
  count: { type: Number, required: true },
}, SCHEMA_OPTIONS);
daySchema.index({ keyId: 1, day: 1 });

const lastSchema = new Schema<LastDoc>({ _id: stringId, lastUsedAt: { type: Date, required: true } }, SCHEMA_OPTIONS);

const flushSchema = new Schema<FlushDoc>({ _id: stringId, expiresAt: { type: Date, required: true } }, SCHEMA_OPTIONS);
flushSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });

/**
 * API-key usage in MongoDB: `api_key_usage` (`_id` = `<key>/<day>`, `$inc`) and
 * `api_key_last_used` (`$max`, so a late flush from another instance never lowers it). A flush
 * is one transaction: both collections change together or not at all, and with a flush id the
 * transaction first claims the id in `api_key_usage_flushes`, so a retried flush whose first
 * attempt committed (its acknowledgement lost) adds nothing.
 */
export class MongoUsage implements UsageStore {
  readonly days: Model<DayDoc>;
  readonly last: Model<LastDoc>;
  readonly flushes: Model<FlushDoc>;

  constructor(private readonly conn: Connection) {
    this.days = conn.model<DayDoc>('ApiKeyUsage', daySchema, 'api_key_usage');
    this.last = conn.model<LastDoc>('ApiKeyLastUsed', lastSchema, 'api_key_last_used');
    this.flushes = conn.model<FlushDoc>('ApiKeyUsageFlush', flushSchema, 'api_key_usage_flushes');
  }

  async record(increments: UsageIncrement[], flushId?: string): Promise<void> {
    if (!increments.length) return;
    await inTransaction(this.conn, async (session) => {
      if (flushId && !(await this.claimFlush(flushId, session))) return; // applied already
      await this.days.bulkWrite(increments.map((i) => ({
        updateOne: {
          filter: { _id: `${i.keyId}/${i.day}` },
          update: { $inc: { count: i.count }, $setOnInsert: { keyId: i.keyId, day: i.day } },
          upsert: true,
        },
      })), { session });
      await this.last.bulkWrite(increments.map((i) => ({
        updateOne: { filter: { _id: i.keyId }, update: { $max: { lastUsedAt: i.lastUsedAt } }, upsert: true },
      })), { session });
    });
  }

  /** Claims a flush id inside `session`'s transaction: false when it was applied already. */
  async claimFlush(flushId: string, session: ClientSession): Promise<boolean> {
    const claim = await this.flushes.updateOne({ _id: flushId },
      { $setOnInsert: { expiresAt: new Date(Date.now() + FLUSH_MEMORY_MS) } }, { upsert: true, session });
    return claim.upsertedCount > 0;
  }

  async lastUsedAtMany(keyIds: readonly string[]): Promise<Map<string, Date>> {
    if (keyIds.length === 0) return new Map();
    const docs = await this.last.find({ _id: { $in: [...keyIds] } }).lean<LastDoc[]>();
    return new Map(docs.map((d) => [d._id, d.lastUsedAt]));
  }

  async daily(keyId: string, fromDay: string, toDay: string): Promise<Array<{ day: string; count: number }>> {
    const docs = await this.days.find({ keyId, day: { $gte: fromDay, $lte: toDay } }).sort({ day: 1 }).lean<DayDoc[]>();
    return docs.map((d) => ({ day: d.day, count: d.count }));
  }
}
