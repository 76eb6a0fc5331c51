import { Schema, type Connection, type Model } from 'mongoose';
import type { MeterIncrement, MeteringStore, MonthUnitsChange, UsageHour } from '../ports.js';
import { unitsByMonth } from '../../usage/periods.js';
import type { MongoUsage } from './usage.js';
import { SCHEMA_OPTIONS, stringId } from './support.js';
import { inTransaction } from './transactions.js';

interface HourDoc { _id: string; organizationId: string; keyId: string; hour: Date; ok: number; denied: number; rateLimited: number; units: number }
interface MonthDoc { _id: string; organizationId: string; month: string; units: number }

const hourSchema = new Schema<HourDoc>({
  _id: stringId,
  organizationId: { type: String, required: true },
  keyId: { type: String },
  hour: { type: Date, required: true },
  ok: { type: Number, required: true },
  denied: { type: Number, required: true },
  rateLimited: { type: Number, required: true },
  units: { type: Number, required: true },
}, SCHEMA_OPTIONS);
hourSchema.index({ organizationId: 1, hour: 1 });
hourSchema.index({ keyId: 1, hour: 1 });
hourSchema.index({ hour: 1 });

const monthSchema = new Schema<MonthDoc>({
  _id: stringId,
  organizationId: { type: String, required: true },
  month: { type: String, required: true },
  units: { type: Number, required: true },
}, SCHEMA_OPTIONS);

const COUNTERS = ['ok', 'denied', 'rateLimited', 'units'] as const;

/**
 * Metered usage in MongoDB: `usage_hours` (`_id` = `<org>/<hour ms>/<key>`, `$inc`) and
 * `usage_months` (`_id` = `<org>/<YYYY-MM>`, `$inc`), one transaction a flush that first claims
 * the flush id in the API-key usage's flush collection. Each month total moves by one
 * `findOneAndUpdate` `$inc` returning the new value: the `before` of a change is that minus
 * this flush's units, so concurrent flushes get disjoint ranges (a write conflict retries the
 * whole transaction, and only the committed attempt's values are returned).
 */
export class MongoMetering implements MeteringStore {
  readonly hoursModel: Model<HourDoc>;
  readonly months: Model<MonthDoc>;

  constructor(private readonly conn: Connection, private readonly usage: Pick<MongoUsage, 'claimFlush'>) {
    this.hoursModel = conn.model<HourDoc>('UsageHour', hourSchema, 'usage_hours');
    this.months = conn.model<MonthDoc>('UsageMonth', monthSchema, 'usage_months');
  }

  async record(flushId: string, increments: readonly MeterIncrement[]): Promise<MonthUnitsChange[]> {
    if (!increments.length) return [];
    return inTransaction(this.conn, async (session) => {
      if (!(await this.usage.claimFlush(flushId, session))) return []; // applied already
      await this.hoursModel.bulkWrite(increments.map((i) => ({
        updateOne: {
          filter: { _id: `${i.organizationId}/${i.hour.getTime()}/${i.keyId}` },
          update: {
            $inc: { ok: i.ok, denied: i.denied, rateLimited: i.rateLimited, units: i.units },
            $setOnInsert: { organizationId: i.organizationId, keyId: i.keyId, hour: i.hour },
          },
          upsert: true,
        },
      })), { session, ordered: true });
      const changes: MonthUnitsChange[] = [];
      for (const { organizationId, month, units } of unitsByMonth(increments).values()) {
        const doc = await this.months.findOneAndUpdate({ _id: `${organizationId}/${month}` },
          { $inc: { units }, $setOnInsert: { organizationId, month } },
          { upsert: true, returnDocument: 'after', session, lean: true }) as MonthDoc | null;
        const after = doc!.units;
        changes.push({ organizationId, month, before: after - units, after });
      }
      return changes;
    });
  }

  async monthUnits(organizationId: string, month: string): Promise<number> {
    const doc = await this.months.findById(`${organizationId}/${month}`).lean<MonthDoc | null>();
    return doc?.units ?? 0;
  }

  async hours(organizationId: string, from: Date, to: Date, keyId?: string): Promise<UsageHour[]> {
    const match: Record<string, unknown> = { organizationId, hour: { $gte: from, $lt: to } };
    if (keyId !== undefined) match.keyId = keyId;
    const group = Object.fromEntries(COUNTERS.map((c) => [c, { $sum: `$${c}` }]));
    const rows = await this.hoursModel.aggregate<UsageHour & { _id: Date }>([
      { $match: match }, { $group: { _id: '$hour', ...group } }, { $sort: { _id: 1 } },
    ]);
    return rows.map((r) => ({ hour: r._id, ok: r.ok, denied: r.denied, rateLimited: r.rateLimited, units: r.units }));
  }

  async busyKeys(hour: Date, minRequests: number) {
    const rows = await this.hoursModel.aggregate<{ organizationId: string; keyId: string; requests: number }>([
      { $match: { hour, keyId: { $ne: '' } } },
      { $project: { _id: 0, organizationId: 1, keyId: 1, requests: { $add: ['$ok', '$denied', '$rateLimited'] } } },
      { $match: { requests: { $gt: minRequests } } },
    ]);
    return rows.map((r) => ({ organizationId: r.organizationId, keyId: r.keyId, requests: r.requests }));
  }

  async keyHourRequests(keyId: string, from: Date, to: Date): Promise<number[]> {
    const docs = await this.hoursModel.find({ keyId, hour: { $gte: from, $lt: to } }).sort({ hour: 1 }).lean<HourDoc[]>();
    return docs.map((d) => d.ok + d.denied + d.rateLimited);
  }
}
