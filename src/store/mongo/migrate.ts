import type { Connection, mongo } from 'mongoose';
import type { Logger } from 'pino';
import { migrationStatus, newerDataError } from '../migration-status.js';
import type { MigrationPort, MigrationStatus, MigrationStep } from '../ports.js';
import { applyIndexChange, describeIndexChange, existingIndexes, planIndexChanges, type DeclaredIndex, type IndexChange } from './indexes.js';
import { acquireMigrationLock, type LockOptions } from './migration-lock.js';
import { MONGO_MIGRATIONS, type MongoMigration } from './migrations.js';

type Db = mongo.Db;

const RECORDS = 'gatehouse_migrations';

interface MigrationRecord { _id: number; description: string; appliedAt: Date }

/** Every collection the connection's models use, with the indexes their schemas declare. */
function declaredCollections(conn: Connection): Map<string, DeclaredIndex[]> {
  const out = new Map<string, DeclaredIndex[]>();
  for (const model of Object.values(conn.models)) {
    const indexes = model.schema.indexes().map(([key, options]) => ({ key: key as Record<string, unknown>, options: { ...(options ?? {}) } }));
    out.set(model.collection.collectionName, [...(out.get(model.collection.collectionName) ?? []), ...indexes]);
  }
  return out;
}

export interface MongoMigrationsOptions {
  /** the serving connection: its models say which collections and indexes exist */
  conn: Connection;
  /** opens a connection without a socket timeout, for `apply` (index builds may take minutes) */
  openLongRunning: () => Promise<Connection>;
  migrations?: readonly MongoMigration[];
  lock?: LockOptions;
  logger?: Logger;
}

/**
 * MongoDB's schema migrations: the versioned steps of `MONGO_MIGRATIONS`, recorded one document
 * per version in `gatehouse_migrations`, then the reconciliation of every declared index
 * (indexes.ts). `apply` does both under the migration lock (migration-lock.ts), so instances
 * starting together run each step once, the others waiting for the lock and finding nothing left.
 */
export class MongoMigrations implements MigrationPort {
  private readonly migrations: readonly MongoMigration[];
  private readonly steps: MigrationStep[];

  constructor(private readonly options: MongoMigrationsOptions) {
    this.migrations = options.migrations ?? MONGO_MIGRATIONS;
    this.steps = this.migrations.map((m, i) => ({ version: i + 1, description: m.description }));
  }

  async status(): Promise<MigrationStatus> {
    const db = dbOf(this.options.conn);
    const records = await this.records(db);
    const changes = await this.plan(db);
    return migrationStatus(this.steps, currentVersion(records), new Map(records.map((r) => [r._id, r.appliedAt])), changes.map(describeIndexChange));
  }

  async apply(): Promise<MigrationStatus> {
    const conn = await this.options.openLongRunning();
    try {
      const db = dbOf(conn);
      const lock = await acquireMigrationLock(db, this.options.lock);
      try {
        await this.applyLocked(db);
      } finally {
        await lock.release();
      }
    } finally {
      await conn.close();
    }
    return this.status();
  }

  private async applyLocked(db: Db): Promise<void> {
    const from = currentVersion(await this.records(db));
    if (from > this.migrations.length) throw newerDataError('MongoDB', from, this.migrations.length);
    for (const name of declaredCollections(this.options.conn).keys()) await createCollectionIfMissing(db, name);
    for (let v = from; v < this.migrations.length; v++) {
      await this.migrations[v].up(db);
      await db.collection<MigrationRecord>(RECORDS).insertOne({ _id: v + 1, description: this.steps[v].description, appliedAt: new Date() });
      this.options.logger?.info({ version: v + 1, description: this.steps[v].description }, 'MongoDB migration applied');
    }
    for (const change of await this.plan(db)) {
      await applyIndexChange(db, change);
      this.options.logger?.info({ change: describeIndexChange(change) }, 'MongoDB index reconciled');
    }
  }

  private async records(db: Db): Promise<MigrationRecord[]> {
    return db.collection<MigrationRecord>(RECORDS).find({}).sort({ _id: 1 }).toArray();
  }

  private async plan(db: Db): Promise<IndexChange[]> {
    const changes: IndexChange[] = [];
    for (const [collection, declared] of declaredCollections(this.options.conn)) {
      changes.push(...planIndexChanges(collection, declared, await existingIndexes(db, collection)));
    }
    return changes;
  }
}

/** The highest version applied without a gap (records are written in order, under the lock). */
function currentVersion(records: readonly MigrationRecord[]): number {
  let version = 0;
  for (const r of records) if (r._id === version + 1) version = r._id;
  return version;
}

function dbOf(conn: Connection): Db {
  if (!conn.db) throw new Error('MongoDB connection is not open');
  return conn.db as unknown as Db;
}

async function createCollectionIfMissing(db: Db, name: string): Promise<void> {
  await db.createCollection(name).catch((err: unknown) => {
    if ((err as { code?: number }).code !== 48) throw err; // NamespaceExists
  });
}
