import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { MIGRATIONS } from '../../../src/store/sqlite/schema.js';
import { createTestCli, type TestCli } from '../../support/cli.js';

const FIXTURE = join(process.cwd(), 'test/fixtures/sqlite-main-50e5b2e/gatehouse.db');

describe('gatehouse migrate', () => {
  let cli: TestCli;
  let env: NodeJS.ProcessEnv;
  beforeAll(() => {
    cli = createTestCli();
    copyFileSync(FIXTURE, join(cli.dir, 'old.db'));
    // the secret the fixture's signing keys were sealed with (see its README)
    env = { DATABASE_URL: `sqlite:${join(cli.dir, 'old.db')}`, GATEHOUSE_SECRET: 'fixture-secret-fixture-secret-fixture-secret-0123456789' };
  });
  afterAll(() => cli.cleanup());

  it('--status shows the current version, what was applied and what is pending, changing nothing', async () => {
    const first = await cli.run(['migrate', '--status', '--json'], { env });
    expect(first.code).toBe(0);
    expect(first.json()).toEqual({
      store: 'sqlite', current: 1, latest: MIGRATIONS.length, index_changes: [],
      applied: [{ version: 1, description: expect.stringMatching(/^tables organizations/), applied_at: null }],
      pending: expect.arrayContaining([{ version: 2, description: 'usage flush ids, so a retried flush is applied once' }]),
    });
    expect((await cli.run(['migrate', '--status', '--json'], { env })).json()).toEqual(first.json());
    const human = await cli.run(['migrate', '--status'], { env });
    expect(human.stdout).toMatch(/^sqlite schema version 1 of \d+: migrations pending$/m);
    expect(human.stdout).toMatch(/^ {2}pending {2}2 {2}usage flush ids/m);
  });

  it('applies the pending migrations and reports each with when it was applied', async () => {
    const before = Date.now();
    const applied = await cli.run(['migrate', '--json'], { env });
    expect(applied.code).toBe(0);
    const body = applied.json();
    expect(body).toMatchObject({ current: MIGRATIONS.length, latest: MIGRATIONS.length, pending: [] });
    for (const step of body.applied.slice(1)) expect(Date.parse(step.applied_at)).toBeGreaterThanOrEqual(before - 1000);
    const status = await cli.run(['migrate', '--status'], { env });
    expect(status.stdout).toMatch(/^sqlite schema version \d+ of \d+: up to date$/m);
  });

  it('leaves the commands that need the latest schema working on the upgraded file', async () => {
    const orgs = await cli.run(['orgs', 'list', '--json'], { env });
    expect(orgs.stderr).toBe('');
    expect(orgs.code).toBe(0);
    expect(orgs.json().data.map((o: { slug: string }) => o.slug)).toEqual(['globex', 'acme']);
  });

  it('fails in one line on a database newer than this Gatehouse', async () => {
    const Database = (await import('better-sqlite3')).default;
    const db = new Database(join(cli.dir, 'old.db'));
    db.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    db.close();
    const r = await cli.run(['migrate'], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: the SQLite data has schema version \d+, newer than this Gatehouse \(\d+\); run the newer Gatehouse\n$/);
    const status = await cli.run(['migrate', '--status'], { env });
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/NEWER than this Gatehouse knows/);
  });
});
