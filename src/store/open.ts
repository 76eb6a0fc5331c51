import { resolve } from 'node:path';
import type { Logger } from 'pino';
import type { Store, StoreMigrations } from './ports.js';
import type { SynchronousLevel } from './sqlite/database.js';
import { openSqliteMigrations, openSqliteStore } from './sqlite/index.js';

export interface OpenStoreOptions {
  logger?: Logger;
  /** the backend's time budget for one operation (config `store.timeoutMs`; default 5000) */
  timeoutMs?: number;
}

const MONGODB_URL = /^mongodb(\+srv)?:\/\//;
const UNKNOWN_URL = 'DATABASE_URL must be sqlite:<path>, sqlite::memory: or a mongodb:// / mongodb+srv:// URL';

/**
 * Opens the store a `DATABASE_URL` names, its schema migrated to the latest version (under a
 * lock held in the store, so instances starting together migrate once):
 * - `sqlite:<path>` (relative to the working directory; the directory is created), optionally
 *   `?synchronous=full` to fsync every commit (see `sqlite/database.ts`);
 * - `sqlite::memory:` (one process only, gone on close);
 * - `mongodb://…` / `mongodb+srv://…`: the MongoDB adapter, loaded only then so SQLite users
 *   never load mongoose.
 */
export async function openStore(databaseUrl: string, options: OpenStoreOptions = {}): Promise<Store> {
  if (databaseUrl.startsWith('sqlite:')) {
    const { path, synchronous } = parseSqliteUrl(databaseUrl);
    const store = openSqliteStore({ filename: path, synchronous });
    options.logger?.debug({ store: 'sqlite', memory: path === ':memory:' }, 'store opened');
    return store;
  }
  if (MONGODB_URL.test(databaseUrl)) {
    const { openMongoStore } = await import('./mongo/index.js');
    return openMongoStore(databaseUrl, options);
  }
  throw new Error(UNKNOWN_URL);
}

/** Opens only the schema migrations of the store a `DATABASE_URL` names, migrating nothing (`gatehouse migrate`). */
export async function openStoreMigrations(databaseUrl: string, options: OpenStoreOptions = {}): Promise<StoreMigrations> {
  if (databaseUrl.startsWith('sqlite:')) return openSqliteMigrations({ filename: parseSqliteUrl(databaseUrl).path });
  if (MONGODB_URL.test(databaseUrl)) {
    const { openMongoMigrations } = await import('./mongo/index.js');
    return openMongoMigrations(databaseUrl, options);
  }
  throw new Error(UNKNOWN_URL);
}

/** `sqlite:<path>[?synchronous=normal|full]` → an absolute path (or `:memory:`) and the level. */
export function parseSqliteUrl(url: string): { path: string; synchronous: SynchronousLevel } {
  let rest = url.slice('sqlite:'.length);
  let synchronous: SynchronousLevel = 'NORMAL';
  const q = rest.indexOf('?');
  if (q >= 0) {
    const params = new URLSearchParams(rest.slice(q + 1));
    rest = rest.slice(0, q);
    const level = params.get('synchronous')?.toUpperCase();
    if (level && level !== 'NORMAL' && level !== 'FULL') throw new Error('DATABASE_URL: synchronous must be normal or full');
    if (level) synchronous = level as SynchronousLevel;
  }
  if (rest.startsWith('//')) rest = rest.slice(2);
  if (!rest) throw new Error('DATABASE_URL: sqlite: needs a path, e.g. sqlite:./data/gatehouse.db');
  return { path: rest === ':memory:' ? rest : resolve(process.cwd(), rest), synchronous };
}
