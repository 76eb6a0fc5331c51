import { Schema, type Connection, type Model } from 'mongoose';
import type { RateLimitResult, RateLimitStore, RateLimitTake } from '../ports.js';
import { admitThreshold, counterExpiry, takeResult, windowPosition } from '../sliding-window.js';
import { SCHEMA_OPTIONS, isDuplicate, stringId } from './support.js';

interface Doc { _id: string; bucket: string; windowStart: number; count: number; expiresAt: Date }

const schema = new Schema<Doc>({
  _id: stringId,
  bucket: { type: String },
  windowStart: { type: Number, required: true },
  count: { type: Number, required: true },
  expiresAt: { type: Date, required: true },
}, SCHEMA_OPTIONS);
schema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });
schema.index({ bucket: 1 });

const counterId = (bucket: string, windowStart: number) => `${bucket}|${windowStart}`;

/**
 * Sliding-window rate limits in MongoDB (`rate_limits`, one document per bucket and fixed
 * window, removed by a TTL index two windows after it began). The admission test is part of the
 * update's filter, `count <= limit - cost - weightedPrevious`, so the check and the increment are
 * one atomic single-document operation on the server: instances sharing the database can never
 * admit more than `limit` together. The previous window's count is read first; it no longer
 * changes once its window has passed.
 */
export class MongoRateLimits implements RateLimitStore {
  readonly model: Model<Doc>;

  constructor(conn: Connection) {
    this.model = conn.model<Doc>('RateLimitWindow', schema, 'rate_limits');
  }

  async take(input: RateLimitTake): Promise<RateLimitResult> {
    const pos = windowPosition(input.now, input.windowMs);
    const previous = await this.model.findById(counterId(input.bucket, pos.previousStart), { count: 1 }).lean<Pick<Doc, 'count'> | null>();
    const weighted = (previous?.count ?? 0) * pos.previousWeight;
    const threshold = admitThreshold(input.limit, input.cost, weighted);
    const id = counterId(input.bucket, pos.windowStart);
    const denied = async () => takeResult(false, await this.current(id), input.cost, weighted, pos.resetAt);
    // an empty window has count 0: below 0 nothing can be admitted, and the upsert below would
    // insert without testing the threshold
    if (threshold < 0) return denied();

    const increment = (upsert: boolean) => this.model.findOneAndUpdate(
      { _id: id, count: { $lte: threshold } },
      {
        $inc: { count: input.cost },
        $setOnInsert: { bucket: input.bucket, windowStart: pos.windowStart, expiresAt: new Date(counterExpiry(pos.windowStart, input.windowMs)) },
      },
      { upsert, returnDocument: 'after', projection: { count: 1 } },
    ).lean<Pick<Doc, 'count'> | null>();

    let after: Pick<Doc, 'count'> | null;
    try {
      after = await increment(true);
    } catch (err) {
      // E11000: the counter exists (over the threshold, or another instance created it just now);
      // test the threshold once more against the existing document, without upsert
      if (!isDuplicate(err)) throw err;
      after = await increment(false);
    }
    if (!after) return denied();
    return takeResult(true, after.count - input.cost, input.cost, weighted, pos.resetAt);
  }

  async reset(bucket: string): Promise<void> {
    await this.model.deleteMany({ bucket });
  }

  private async current(id: string): Promise<number> {
    return (await this.model.findById(id, { count: 1 }).lean<Pick<Doc, 'count'> | null>())?.count ?? 0;
  }
}
