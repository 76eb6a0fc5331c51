import type { mongo } from 'mongoose';

type Db = mongo.Db;

/** One versioned change to the data in MongoDB. */
export interface MongoMigration {
  /** one line, shown by `gatehouse migrate --status` */
  description: string;
  /**
   * Makes the change with the driver's `Db` (raw collections: the models may have changed
   * since). Runs once, under the migration lock, before the declared indexes are reconciled;
   * must be safe to run again, since a crash may come between it and its record.
   */
  up(db: Db): Promise<void>;
}

/** `NamespaceNotFound`: what dropping a collection or index that is not there answers. */
const isMissing = (err: unknown) => (err as { code?: number }).code === 26 || (err as { code?: number }).code === 27;

/** Drops a collection that may not exist. */
export async function dropCollectionIfExists(db: Db, name: string): Promise<void> {
  await db.dropCollection(name).catch((err: unknown) => {
    if (!isMissing(err)) throw err;
  });
}

/**
 * MongoDB's versioned migrations: element `i` takes the data to version `i + 1`, recorded in
 * `gatehouse_migrations`. APPEND new ones; never edit or reorder a released one. New
 * collections and indexes need no migration: declare them on the model's schema and every
 * apply creates them (and reconciles changed index options). A migration is for what a
 * declaration cannot say: moving or rewriting documents, dropping a collection or an index no
 * model declares any more, deduplicating before a new unique index.
 */
export const MONGO_MIGRATIONS: readonly MongoMigration[] = [
  {
    description: 'rate limits: one document per bucket in rate_limit_buckets; drop the per-window rate_limits',
    // counters are transient (two windows at most): an instance upgrading mid-window forgets at most that window
    up: (db) => dropCollectionIfExists(db, 'rate_limits'),
  },
  {
    description: 'accounts: people from before email verification (made by the operator or by an invitation) are verified',
    up: async (db) => {
      await db.collection('users').updateMany({ emailVerified: { $exists: false } }, { $set: { emailVerified: true } });
    },
  },
];
