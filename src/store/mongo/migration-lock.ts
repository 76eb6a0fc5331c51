import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { mongo } from 'mongoose';

type Db = mongo.Db;

const LOCKS = 'gatehouse_locks';
const LOCK_ID = 'migrations';

export interface LockOptions {
  /** a holder that stops renewing loses the lock after this long (default 60 s) */
  leaseMs?: number;
  /** how long to wait for another holder before giving up (default 15 min: index builds take time) */
  waitMs?: number;
  /** between two attempts (default 250 ms) */
  pollMs?: number;
}

/** A held lock: renewed in the background until released. */
export interface HeldLock {
  owner: string;
  release(): Promise<void>;
}

const isDuplicate = (err: unknown) => (err as { code?: number }).code === 11000;

/**
 * Takes the migration lock: one document in `gatehouse_locks`, claimed by an upsert whose filter
 * matches only a free or expired lock (a held one makes the upsert's insert fail with a
 * duplicate key). The holder renews its lease every third of it, so a crashed holder frees the
 * lock within `leaseMs` and a live one keeps it however long its migrations take.
 * @throws when another instance held it for longer than `waitMs`
 */
export async function acquireMigrationLock(db: Db, options: LockOptions = {}): Promise<HeldLock> {
  const leaseMs = options.leaseMs ?? 60_000;
  const waitUntil = Date.now() + (options.waitMs ?? 15 * 60_000);
  const owner = `${hostname()}/${process.pid}/${randomUUID()}`;
  const locks = db.collection<{ _id: string; owner: string; expiresAt: Date }>(LOCKS);
  const claim = async (): Promise<boolean> => {
    const now = new Date();
    try {
      const doc = await locks.findOneAndUpdate(
        { _id: LOCK_ID, $or: [{ expiresAt: { $lte: now } }, { owner }] },
        { $set: { owner, expiresAt: new Date(now.getTime() + leaseMs) } },
        { upsert: true, returnDocument: 'after' },
      );
      return doc?.owner === owner;
    } catch (err) {
      if (isDuplicate(err)) return false;
      throw err;
    }
  };
  while (!(await claim())) {
    if (Date.now() > waitUntil) {
      throw new Error(`another Gatehouse instance has held the migration lock (${LOCKS}.${LOCK_ID}) for over ${Math.round((options.waitMs ?? 900_000) / 1000)} s`);
    }
    await sleep(options.pollMs ?? 250);
  }
  const renewal = setInterval(() => void claim().catch(() => {}), Math.max(1000, Math.floor(leaseMs / 3)));
  renewal.unref();
  return {
    owner,
    async release() {
      clearInterval(renewal);
      await locks.deleteOne({ _id: LOCK_ID, owner });
    },
  };
}
