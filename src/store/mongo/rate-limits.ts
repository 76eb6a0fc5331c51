import { Schema, type Connection, type Model } from 'mongoose';
import type { RateLimitResult, RateLimitStore, RateLimitTake } from '../ports.js';
import { takeResult, windowPosition } from '../sliding-window.js';
import { SCHEMA_OPTIONS, isDuplicate, stringId } from './support.js';

interface Doc { _id: string; windowStart: number; current: number; previous: number; admitted: boolean; expiresAt: Date }

const schema = new Schema<Doc>({
  _id: stringId,
  windowStart: { type: Number, required: true },
  current: { type: Number, required: true },
  previous: { type: Number, required: true },
  admitted: { type: Boolean, required: true },
  expiresAt: { type: Date, required: true },
}, SCHEMA_OPTIONS);
// the TTL monitor removes a bucket two windows after its newest window began (nothing counts then)
schema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });

/**
 * Rate-limit counters are written with `w: 1`: they sit on the request path (about once per
 * lease, see resource-server/rate-limiter.ts), and waiting for a majority would add a
 * replication round trip to it. What a failover can lose is the last moments of one window's
 * count on the old primary, i.e. at most one window's worth of extra admissions, once; a
 * counter is not a record anyone relies on afterwards.
 */
const COUNTER_WRITE = { w: 1 } as const;

/**
 * The update pipeline of one take: `rollForward` then the admission test of `takeFrom`
 * (sliding-window.ts), spelled in aggregation operators so that reading the counters, rolling
 * them to the current window, testing the limit and adding the cost are one atomic
 * single-document update on the server. Instances sharing the database never admit more than
 * the limit together, whatever their clocks: a bucket never moves back to an older window.
 */
function takePipeline(input: RateLimitTake): object[] {
  const pos = windowPosition(input.now, input.windowMs);
  const stored = { $ifNull: ['$windowStart', -1] };
  return [
    {
      $set: {
        previous: {
          $switch: {
            branches: [
              { case: { $gte: [stored, pos.windowStart] }, then: { $ifNull: ['$previous', 0] } },
              { case: { $gte: [stored, pos.previousStart] }, then: { $ifNull: ['$current', 0] } },
            ],
            default: 0,
          },
        },
        current: { $cond: [{ $gte: [stored, pos.windowStart] }, { $ifNull: ['$current', 0] }, 0] },
        windowStart: { $max: [stored, pos.windowStart] },
      },
    },
    {
      $set: {
        // a window newer than this take's clock: the previous one at full weight (see rollForward)
        admitted: {
          $lte: ['$current', {
            $subtract: [input.limit - input.cost, { $multiply: ['$previous', { $cond: [{ $gt: ['$windowStart', pos.windowStart] }, 1, pos.previousWeight] }] }],
          }],
        },
      },
    },
    {
      $set: {
        current: { $cond: ['$admitted', { $add: ['$current', input.cost] }, '$current'] },
        expiresAt: { $toDate: { $add: ['$windowStart', 2 * input.windowMs] } },
      },
    },
  ];
}

/**
 * Sliding-window rate limits in MongoDB (`rate_limit_buckets`): one document per bucket holding
 * its newest fixed window, that window's count and the previous window's, updated by one
 * pipeline update per take (see {@link takePipeline}).
 */
export class MongoRateLimits implements RateLimitStore {
  readonly model: Model<Doc>;

  constructor(conn: Connection) {
    this.model = conn.model<Doc>('RateLimitBucket', schema, 'rate_limit_buckets');
  }

  async take(input: RateLimitTake): Promise<RateLimitResult> {
    const pipeline = takePipeline(input);
    const run = () => this.model.collection.findOneAndUpdate({ _id: input.bucket } as never, pipeline,
      { upsert: true, returnDocument: 'after', writeConcern: COUNTER_WRITE });
    let doc: Doc | null;
    try {
      doc = (await run()) as Doc | null;
    } catch (err) {
      // two first takes of a bucket raced to insert it: the loser updates the winner's document
      if (!isDuplicate(err)) throw err;
      doc = (await run()) as Doc | null;
    }
    if (!doc) throw new Error(`rate-limit bucket ${input.bucket} was not written`);
    const pos = windowPosition(input.now, input.windowMs);
    const weighted = doc.previous * (doc.windowStart > pos.windowStart ? 1 : pos.previousWeight);
    const before = doc.admitted ? doc.current - input.cost : doc.current;
    return takeResult(doc.admitted, before, input.cost, weighted, doc.windowStart + input.windowMs);
  }

  async reset(bucket: string): Promise<void> {
    await this.model.collection.deleteOne({ _id: bucket } as never, { writeConcern: COUNTER_WRITE });
  }
}
