import Database from 'better-sqlite3';
import { describeMigration, SqliteMigrations } from '../../../src/store/sqlite/migrate.js';
import { MIGRATIONS } from '../../../src/store/sqlite/schema.js';

describe('SQLite migrations', () => {
  const steps = [
    'CREATE TABLE a (x INTEGER); CREATE INDEX a_by_x ON a (x);',
    '-- b: what it is for\nCREATE TABLE b (y TEXT);',
  ];

  it('describes a migration by its leading comment, else by what it creates', () => {
    expect(describeMigration(steps[0])).toBe('tables a; indexes a_by_x');
    expect(describeMigration(`\n  ${steps[1]}`)).toBe('b: what it is for');
    expect(describeMigration(MIGRATIONS[0])).toMatch(/^tables organizations, users, memberships, .*; indexes memberships_by_org/);
    for (const sql of MIGRATIONS) expect(describeMigration(sql)).toMatch(/\w/);
  });

  it('shows pending steps without applying them, then applies and records each with its time', async () => {
    const db = new Database(':memory:');
    const migrations = new SqliteMigrations(db, steps);
    expect(await migrations.status()).toEqual({
      current: 0, latest: 2, applied: [], indexChanges: [],
      pending: [{ version: 1, description: 'tables a; indexes a_by_x' }, { version: 2, description: 'b: what it is for' }],
    });
    const before = Date.now();
    const status = await migrations.apply();
    expect(status).toMatchObject({ current: 2, latest: 2, pending: [] });
    expect(status.applied.map((s) => [s.version, s.description])).toEqual([[1, 'tables a; indexes a_by_x'], [2, 'b: what it is for']]);
    for (const s of status.applied) expect(s.appliedAt!.getTime()).toBeGreaterThanOrEqual(before);
    expect(db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name IN ('a', 'b', 'a_by_x')").get()).toEqual({ n: 3 });
    expect(await migrations.apply()).toEqual(status);
    db.close();
  });

  it('applies only what is new to a database migrated by an older list, leaving earlier records as they were', async () => {
    const db = new Database(':memory:');
    const first = await new SqliteMigrations(db, steps.slice(0, 1)).apply();
    const both = await new SqliteMigrations(db, steps).apply();
    expect(both.applied[0]).toEqual(first.applied[0]);
    expect(both.current).toBe(2);
    db.close();
  });

  it('leaves the database untouched when a migration fails', async () => {
    const db = new Database(':memory:');
    // (matched by its fields: better-sqlite3's error class may come from another test file's realm)
    await expect(new SqliteMigrations(db, [...steps, 'CREATE TABLE c (z); THIS IS NOT SQL;']).apply())
      .rejects.toMatchObject({ code: 'SQLITE_ERROR', message: expect.stringMatching(/syntax error/) });
    expect(db.pragma('user_version', { simple: true })).toBe(0);
    expect(db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name IN ('a', 'b', 'c', 'gatehouse_migrations')").get()).toEqual({ n: 0 });
    db.close();
  });

  it('refuses to touch a database written by a newer Gatehouse', async () => {
    const db = new Database(':memory:');
    await new SqliteMigrations(db, steps).apply();
    const older = new SqliteMigrations(db, steps.slice(0, 1));
    await expect(older.apply()).rejects.toThrow(/SQLite data has schema version 2, newer than this Gatehouse \(1\)/);
    expect(await older.status()).toMatchObject({ current: 2, latest: 1, pending: [] });
    db.close();
  });
});
