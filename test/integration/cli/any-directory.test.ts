import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { runBin } from '../../support/bin.js';

/** The built executable, by its absolute path, run from `cwd`. */
const gatehouseIn = (cwd: string, args: string[], env: NodeJS.ProcessEnv = {}) => runBin(args, { cwd, env });

describe('the CLI run from a directory other than the project', () => {
  let dir: string;
  const secret = randomBytes(32).toString('base64url');
  beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'gatehouse-elsewhere-')); });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('loads the package\'s defaults and keeps its data under the working directory', async () => {
    const r = await gatehouseIn(dir, ['orgs', 'create', 'acme', '--json'], { GATEHOUSE_SECRET: secret, LOG_LEVEL: 'silent' });
    expect(r.stderr).not.toMatch(/expected object, received undefined/);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ slug: 'acme', plan: 'free' });
    const status = await gatehouseIn(dir, ['migrate', '--status', '--json'], { GATEHOUSE_SECRET: secret, LOG_LEVEL: 'silent' });
    expect(status.code).toBe(0);
    // the default DATABASE_URL (sqlite:./data/gatehouse.db) is relative to the working directory
    expect(JSON.parse(status.stdout)).toMatchObject({ store: 'sqlite', pending: [] });
  }, 30_000);

  it('lets a config/ folder in the working directory override the package\'s settings', async () => {
    const project = join(dir, 'project');
    mkdirSync(join(project, 'config'), { recursive: true });
    writeFileSync(join(project, 'config', 'default.json'), JSON.stringify({ defaultPlan: 'pro' }));
    const r = await gatehouseIn(project, ['orgs', 'create', 'globex', '--json'], { GATEHOUSE_SECRET: secret, LOG_LEVEL: 'silent' });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ slug: 'globex', plan: 'pro' });
  }, 30_000);
});
