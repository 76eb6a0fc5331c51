import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

export type SqliteDb = Database.Database;

/** `NORMAL` or `FULL`: see {@link openDatabase}. */
export type SynchronousLevel = 'NORMAL' | 'FULL';

export interface OpenDatabaseOptions {
  /** a file path, or `:memory:` */
  filename: string;
  synchronous?: SynchronousLevel;
  /** how long a writer waits for another process's write lock before failing (ms) */
  busyTimeoutMs?: number;
}

/**
 * Opens a SQLite connection set up for several processes sharing one file.
 *
 * - `journal_mode=WAL`: readers never block the writer nor the writer readers, and a commit is a
 *   single append to the `-wal` file.
 * - `synchronous=NORMAL` (default): a commit returns after its WAL frames are written with
 *   write(2), so they live in the OS page cache and survive the death of the process
 *   (`kill -9`, crash, OOM kill): an acknowledged write is never lost to a process crash. Only a
 *   power loss or kernel crash may roll back the last commits (never corrupt the file); choose
 *   `FULL` (fsync on every commit, `?synchronous=full` in the URL) to cover that too, at the price
 *   of one fsync per write, which would sit on the rate-limit hot path.
 * - `busy_timeout`: a writer waits for another process's transaction instead of failing at once.
 */
export function openDatabase(options: OpenDatabaseOptions): SqliteDb {
  const memory = options.filename === ':memory:';
  if (!memory) mkdirSync(dirname(options.filename), { recursive: true });
  const db = new Database(options.filename);
  db.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 10_000))}`);
  if (!memory) db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${options.synchronous ?? 'NORMAL'}`);
  db.pragma('foreign_keys = OFF');
  return db;
}
