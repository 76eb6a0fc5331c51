import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../../src/store/open.js';
import type { Store } from '../../../src/store/ports.js';
import { killStoreChildren, spawnStoreChild, type StoreChild } from './child.js';

/** Starts `n` children on the same file, waits until all are ready, then releases them together. */
async function race(n: number, args: string[]): Promise<StoreChild[]> {
  const children = Array.from({ length: n }, () => spawnStoreChild(args));
  await Promise.all(children.map((c) => c.waitFor((l) => l === 'ready')));
  for (const c of children) c.process.stdin!.write('go\n');
  return children;
}

const result = async (child: StoreChild, word: string) =>
  Number((await child.waitFor((l) => l.startsWith(`${word} `), 20_000)).split(' ')[1]);

describe('SQLite shared by several processes', () => {
  let dir: string;
  let url: string;
  let store: Store;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-multiprocess-'));
    url = `sqlite:${join(dir, 'shared.db')}`;
    store = await openStore(url);
  });
  afterAll(async () => {
    killStoreChildren();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lets several processes open and migrate a brand-new file at the same moment', async () => {
    const fresh = `sqlite:${join(dir, 'fresh.db')}`;
    const children = await race(4, ['take', fresh, 'key:fresh', '5', '10', String(Date.now())]);
    const allowed = await Promise.all(children.map((c) => result(c, 'allowed')));
    expect(allowed.reduce((a, b) => a + b, 0)).toBe(10);
    // each migration ran and was recorded once
    const opened = await openStore(fresh);
    const status = await opened.migrations.status();
    await opened.close();
    expect(status.applied.map((s) => s.version)).toEqual(status.applied.map((_, i) => i + 1));
    expect(status).toMatchObject({ current: status.latest, pending: [] });
  });

  it('admits exactly `limit` rate-limit takes in total when three processes race on one bucket', async () => {
    const limit = 3000;
    const now = Math.floor(Date.now() / 60_000) * 60_000 + 1;
    const children = await race(3, ['take', url, 'key:shared', '1500', String(limit), String(now)]);
    const allowed = await Promise.all(children.map((c) => result(c, 'allowed')));
    expect(allowed.reduce((a, b) => a + b, 0)).toBe(limit);
    expect((await store.rateLimits.take({ bucket: 'key:shared', windowMs: 60_000, limit, cost: 1, now })).allowed).toBe(false);
  });

  it('creates exactly the cap of active keys when three processes race creates in one organization', async () => {
    const children = await race(3, ['create-capped', url, 'org_capped', '15', '20']);
    const created = await Promise.all(children.map((c) => result(c, 'created')));
    expect(created.reduce((a, b) => a + b, 0)).toBe(20);
    expect(await store.apiKeys.countActive('org_capped', new Date())).toBe(20);
  });

  it('lets exactly one process consume each authorization code', async () => {
    const codes = 100;
    for (let i = 0; i < codes; i++) await store.oidc.upsert('AuthorizationCode', `code_${i}`, { grantId: 'g' }, new Date(Date.now() + 60_000));
    const children = await race(3, ['consume', url, String(codes)]);
    const won = await Promise.all(children.map((c) => result(c, 'won')));
    expect(won.reduce((a, b) => a + b, 0)).toBe(codes);
  });
});
