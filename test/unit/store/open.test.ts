import Database from 'better-sqlite3';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { openStore, parseSqliteUrl } from '../../../src/store/open.js';
import { MIGRATIONS } from '../../../src/store/sqlite/schema.js';

describe('openStore', () => {
  let dir: string;
  beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'gatehouse-open-')); });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('resolves a relative sqlite path against the working directory, defaulting to synchronous NORMAL', () => {
    expect(parseSqliteUrl('sqlite:./data/gatehouse.db')).toEqual({ path: resolve(process.cwd(), 'data/gatehouse.db'), synchronous: 'NORMAL' });
    expect(parseSqliteUrl('sqlite::memory:')).toEqual({ path: ':memory:', synchronous: 'NORMAL' });
    expect(parseSqliteUrl('sqlite:///var/lib/g.db?synchronous=full')).toEqual({ path: '/var/lib/g.db', synchronous: 'FULL' });
  });

  it('rejects an unknown synchronous level, an empty path and an unknown scheme', async () => {
    expect(() => parseSqliteUrl('sqlite:./x.db?synchronous=off')).toThrow(/synchronous must be normal or full/);
    expect(() => parseSqliteUrl('sqlite:')).toThrow(/needs a path/);
    await expect(openStore('postgres://localhost/db')).rejects.toThrow(/DATABASE_URL must be/);
  });

  it('creates the directory of a sqlite file, in WAL mode, migrated to the latest schema', async () => {
    const file = join(dir, 'nested', 'deeper', 'g.db');
    const store = await openStore(`sqlite:${file}?synchronous=full`);
    expect(store.kind).toBe('sqlite');
    await store.ping();
    await store.close();
    await store.close();
    expect(existsSync(file)).toBe(true);
    const raw = new Database(file);
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(raw.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    raw.close();
  });

  it('refuses a database written by a newer Gatehouse instead of touching it', async () => {
    const file = join(dir, 'newer.db');
    const raw = new Database(file);
    raw.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    raw.close();
    await expect(openStore(`sqlite:${file}`)).rejects.toThrow(/newer than this Gatehouse/);
  });
});
