import type { Model } from 'mongoose';

/** The fields a leased work item (an outbox mail, a webhook delivery) has in MongoDB. */
export interface LeasedDoc {
  _id: string;
  status: string;
  nextAttemptAt: Date | null;
  leaseOwner: string | null;
  leaseExpiresAt: Date | null;
}

/**
 * Leases up to `limit` pending items due at `now` whose lease is free or expired, soonest due
 * first, to `owner` until `until`: one conditional `findOneAndUpdate` per item, atomic per
 * document, so two workers (on any number of instances) never take the same one.
 */
export async function leaseDue<D extends LeasedDoc>(model: Model<D>, owner: string, now: Date, until: Date, limit: number): Promise<D[]> {
  const due = { status: 'pending', nextAttemptAt: { $lte: now }, $or: [{ leaseExpiresAt: null }, { leaseExpiresAt: { $lte: now } }] };
  const leased: D[] = [];
  for (let i = 0; i < Math.max(1, Math.floor(limit)); i++) {
    const doc = await model.findOneAndUpdate(due as never, { $set: { leaseOwner: owner, leaseExpiresAt: until } } as never,
      { sort: { nextAttemptAt: 1, _id: 1 }, returnDocument: 'after' }).lean<D | null>();
    if (!doc) break;
    leased.push(doc);
  }
  return leased;
}
