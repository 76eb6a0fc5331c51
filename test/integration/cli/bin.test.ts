import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { runBin } from '../../support/bin.js';

const gatehouse = (args: string[], env: NodeJS.ProcessEnv, stdin = '') => runBin(args, { env, stdin });

let dir: string;
let env: NodeJS.ProcessEnv;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'gatehouse-bin-'));
  env = { NODE_ENV: 'test', DATABASE_URL: `sqlite:${join(dir, 'gh.db')}`, GATEHOUSE_SECRET: randomBytes(32).toString('base64url'), LOG_LEVEL: 'silent' };
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the gatehouse executable', () => {
  it('is built', () => {
    expect(existsSync('dist/src/cli/main.js')).toBe(true);
  });

  it('creates an organization in the SQLite file and prints one JSON object', async () => {
    const r = await gatehouse(['orgs', 'create', 'acme', '--name', 'Acme', '--json'], env);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ slug: 'acme', name: 'Acme', plan: 'free', id: expect.stringMatching(/^org_/) });
    expect(existsSync(join(dir, 'gh.db'))).toBe(true);

    const again = await gatehouse(['orgs', 'create', 'acme', '--json'], env);
    expect(again.code).toBe(1);
    expect(again.stdout).toBe('');
    expect(again.stderr).toMatch(/^error: An organization with slug "acme" already exists\.$/m);
    expect(again.stderr).not.toMatch(/\n\s+at /);
  }, 20_000);
});
