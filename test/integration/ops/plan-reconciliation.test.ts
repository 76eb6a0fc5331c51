import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OPERATOR } from '../../../src/audit/actor.js';
import { openStore } from '../../../src/store/open.js';
import { createTestGatehouse } from '../../support/harness.js';
import { freePort, startServerProcess } from './server-process.js';

/*
 * A plan's platformPermissions changed in the configuration between two starts: the server,
 * before serving, takes from each organization on that plan what it now withholds.
 */

let dir: string;
beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'gatehouse-plans-')); });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('takes what a plan now withholds from its organizations\' keys when the server starts', async () => {
  const databaseUrl = `sqlite:${join(dir, 'gatehouse.db')}`;
  const before = await createTestGatehouse({ databaseUrl, dataDir: dir });
  const secret = before.config.secret;
  let keyId: string;
  try {
    await before.identity.resources.create(OPERATOR, null, { identifier: 'https://api.platform.test', permissions: ['pipelines:read', 'pipelines:run'] });
    const trial = await before.identity.organizations.create({ slug: 'trial', plan: 'free' });
    keyId = (await before.apiKeys.create(OPERATOR, trial.id, { name: 'runner', permissions: ['pipelines:read', 'pipelines:run'] })).record.id;
  } finally {
    await before.close();
  }

  // the operator restricts the free plan, and starts the server again
  const cwd = join(dir, 'deploy');
  mkdirSync(join(cwd, 'config'), { recursive: true });
  writeFileSync(join(cwd, 'config', 'default.json'), JSON.stringify({ plans: { free: { platformPermissions: ['pipelines:read'] } } }));
  const server = startServerProcess({
    NODE_ENV: 'test', LOG_LEVEL: 'info', PORT: String(await freePort()), DATABASE_URL: databaseUrl, GATEHOUSE_SECRET: secret, GATEHOUSE_DATA_DIR: dir,
  }, cwd);
  try {
    await server.waitFor(/gatehouse listening/);
    expect(server.stdout()).toMatch(/"apiKeys":1,.*permissions their plans withhold were taken away/);
  } finally {
    server.child.kill('SIGTERM');
    await server.exited;
  }
  const store = await openStore(databaseUrl);
  try {
    expect((await store.apiKeys.findById(keyId))!.permissions).toEqual(['pipelines:read']);
  } finally {
    await store.close();
  }
});
