import { randomBytes } from 'node:crypto';
import { OPERATOR } from '../../../src/audit/actor.js';
import { MANAGEMENT_PERMISSIONS } from '../../../src/domain/permissions.js';
import { createTestGatehouse } from '../../support/harness.js';
import { startChild, tempDatabase, type GatehouseChild } from './children.js';

const STALENESS_MS = 1000;
/** scheduling, one poll query and the HTTP round trips */
const MARGIN_MS = 250;

/**
 * Two Gatehouse processes sharing one SQLite file: what one of them changes, the other honours
 * within the documented bound, and rate limits hold across both.
 */
describe('two Gatehouse processes on one SQLite file', () => {
  const db = tempDatabase();
  const secret = randomBytes(32).toString('base64url');
  let a: GatehouseChild;
  let b: GatehouseChild;
  let org: string;
  let adminKey: string;
  const keys: Record<string, { id: string; key: string }> = {};

  beforeAll(async () => {
    const gh = await createTestGatehouse({ databaseUrl: db.url, secret });
    org = (await gh.identity.organizations.create({ slug: 'acme', plan: 'pro' })).id;
    const mint = async (name: string, rateLimit: { limit: number; windowSeconds: number } | null = null, permissions = ['users:read']) => {
      const { record, key } = await gh.apiKeys.create(OPERATOR, org, { name, permissions, rateLimit });
      keys[name] = { id: record.id, key };
    };
    await mint('admin', null, [...MANAGEMENT_PERMISSIONS]);
    await mint('revoked-later');
    await mint('narrowed-later');
    await mint('limited', { limit: 200, windowSeconds: 86_400 });
    adminKey = keys.admin.key;
    await gh.close();
    [a, b] = await Promise.all([startChild({ databaseUrl: db.url, secret }), startChild({ databaseUrl: db.url, secret })]);
  }, 30_000);

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    db.remove();
  });

  const probe = (at: GatehouseChild, key: string) => fetch(`${at.url}/probe`, { headers: { 'x-api-key': key } }).then(async (r) => { await r.arrayBuffer(); return r.status; });

  /** polls `at` until the key's answer is `status`; returns ms since `since` */
  async function delayUntil(at: GatehouseChild, key: string, status: number, since: number): Promise<number> {
    for (;;) {
      const got = await probe(at, key);
      if (got === status) return performance.now() - since;
      if (performance.now() - since > 5_000) throw new Error(`still ${got} after 5 s`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  it(`honours a revocation made in process A within ${STALENESS_MS} ms in process B, and at once in A`, async () => {
    const { id, key } = keys['revoked-later'];
    for (let i = 0; i < 5; i++) expect([await probe(a, key), await probe(b, key)]).toEqual([200, 200]);
    const started = performance.now();
    const res = await fetch(`${a.url}/v1/organizations/${org}/api-keys/${id}`, { method: 'DELETE', headers: { 'x-api-key': adminKey } });
    expect(res.status).toBe(204);
    expect(await probe(a, key)).toBe(401);
    const delay = await delayUntil(b, key, 401, started);
    expect(delay).toBeLessThanOrEqual(STALENESS_MS + MARGIN_MS);
  });

  it(`honours a permission change made in process A within ${STALENESS_MS} ms in process B`, async () => {
    const { id, key } = keys['narrowed-later'];
    for (let i = 0; i < 5; i++) expect(await probe(b, key)).toBe(200);
    const started = performance.now();
    const res = await fetch(`${a.url}/v1/organizations/${org}/api-keys/${id}`, {
      method: 'PATCH', headers: { 'x-api-key': adminKey, 'content-type': 'application/json' }, body: JSON.stringify({ permissions: ['roles:read'] }),
    });
    expect(res.status).toBe(200);
    expect(await probe(a, key)).toBe(403);
    expect(await delayUntil(b, key, 403, started)).toBeLessThanOrEqual(STALENESS_MS + MARGIN_MS);
  });

  it("holds a key's rate limit across both processes under concurrent bursts, and uses it in full", async () => {
    const { key } = keys.limited;
    const burst = async (at: GatehouseChild) => {
      const statuses: number[] = [];
      // 6 waves of 50 concurrent requests per process, both processes at once
      for (let wave = 0; wave < 6; wave++) statuses.push(...(await Promise.all(Array.from({ length: 50 }, () => probe(at, key)))));
      return statuses;
    };
    const [sa, sb] = await Promise.all([burst(a), burst(b)]);
    const all = [...sa, ...sb];
    expect(all.filter((s) => s !== 200 && s !== 429)).toEqual([]);
    expect(all.filter((s) => s === 200)).toHaveLength(200);
    // both processes admitted some: the limit is shared, not per instance
    expect(sa.filter((s) => s === 200).length).toBeGreaterThan(0);
    expect(sb.filter((s) => s === 200).length).toBeGreaterThan(0);
  });
});
