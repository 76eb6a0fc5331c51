import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import { OPERATOR } from '../../../src/audit/actor.js';
import { createRemoteResourceServer, forKoa, type RemoteResourceServer } from '../../../src/resource-server/index.js';
import { startTestServer, type RunningGatehouse } from '../../support/harness.js';

const AUDIENCE = 'https://work.example';
const PLANS = { metered: { maxActiveKeys: 10, rateLimit: { limit: 6000, windowSeconds: 60 }, monthlyUnits: 12 } };

/** A remote service reports what it admitted to a real Gatehouse; quotas come back with the answers. */
describe('remote mode: usage reported per request', () => {
  let gh: RunningGatehouse;
  let rs: RemoteResourceServer;
  let api: Server;
  let apiUrl: string;
  let orgId: string;
  let otherClient: { id: string; secret: string };
  let rsClient: { id: string; secret: string };
  let key: { id: string; key: string };

  beforeAll(async () => {
    gh = await startTestServer({ plans: PLANS, defaultPlan: 'metered' });
    const g = gh.gatehouse;
    orgId = (await g.identity.organizations.create({ slug: 'worker' })).id;
    const other = (await g.identity.organizations.create({ slug: 'elsewhere' })).id;
    await g.identity.resources.create(OPERATOR, orgId, { identifier: AUDIENCE, name: 'Work', permissions: ['work:read', 'work:write'] });
    const c = await g.oauth.clients.create(OPERATOR, orgId, { name: 'Work API', grant_types: ['client_credentials'] });
    rsClient = { id: c.client.clientId, secret: c.client_secret! };
    const o = await g.oauth.clients.create(OPERATOR, other, { name: 'Elsewhere API', grant_types: ['client_credentials'] });
    otherClient = { id: o.client.clientId, secret: o.client_secret! };
    const issued = await g.apiKeys.create(OPERATOR, orgId, { name: 'worker', permissions: ['work:write'] });
    key = { id: issued.record.id, key: issued.key };
    rs = createRemoteResourceServer({ issuer: gh.url, clientId: rsClient.id, clientSecret: rsClient.secret, audience: AUDIENCE, meterFlushMs: 60_000 });
    const gate = forKoa(rs);
    const app = new Koa();
    app.use(gate.authenticate({ cost: 5 }));
    app.use((ctx) => { ctx.body = { done: true }; });
    api = createServer(app.callback());
    await new Promise<void>((r) => api.listen(0, '127.0.0.1', r));
    apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
  }, 20_000);

  afterAll(async () => {
    api.closeAllConnections();
    await new Promise((r) => api.close(r));
    await rs.close();
    await gh.stop();
  });

  const report = (client: { id: string; secret: string }, body: unknown) => fetch(`${gh.url}/resource-server/usage`, {
    method: 'POST', body: JSON.stringify(body),
    headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${client.id}:${client.secret}`).toString('base64')}` },
  });

  const quotasOf = async (res: Promise<Response>) => ((await (await res).json()) as { quotas: unknown[] }).quotas;

  it('counts every admitted request (not every introspection) and enforces the quota Gatehouse reports, 429 before the route', async () => {
    const statuses = [];
    for (let n = 0; n < 4; n++) statuses.push((await fetch(`${apiUrl}/x`, { method: 'POST', headers: { 'X-API-Key': key.key } })).status);
    expect(statuses).toEqual([200, 200, 429, 429]); // 5 + 5, then 15 > 12
    await rs.close(); // SIGTERM: what was counted is reported
    const [hour] = await gh.gatehouse.store.metering.hours(orgId, new Date(Date.now() - 3_600_000), new Date(Date.now() + 3_600_000), key.id);
    expect(hour).toMatchObject({ ok: 2, rateLimited: 2, units: 10 });
    expect(await quotasOf(report(rsClient, { organizations: [orgId] }))).toEqual([{ organization: orgId, month: new Date().toISOString().slice(0, 7), used: 10, quota: 12 }]);
  });

  it('applies a retried report once (flush ids per client)', async () => {
    const hour = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000).toISOString();
    const body = { flush_id: 'retry-1', increments: [{ organization: orgId, key_id: key.id, hour, ok: 1, denied: 0, rate_limited: 0, units: 1 }] };
    expect((await report(rsClient, body)).status).toBe(200);
    expect(await quotasOf(report(rsClient, body))).toEqual([]);
    expect((await gh.gatehouse.metering.sink.quotas([orgId]))[0].used).toBe(11);
  });

  it("refuses a report for another organization or its keys, and never reveals another organization's quota", async () => {
    const hour = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000).toISOString();
    const inc = { organization: orgId, key_id: key.id, hour, ok: 1, denied: 0, rate_limited: 0, units: 1 };
    const foreign = await report(otherClient, { flush_id: 'x1', increments: [inc] });
    expect(foreign.status).toBe(400);
    const keyElsewhere = await report(otherClient, { flush_id: 'x2', increments: [{ ...inc, organization: 'org_whatever' }] });
    expect(keyElsewhere.status).toBe(400);
    expect(await quotasOf(report(otherClient, { organizations: [orgId] }))).toEqual([]);
    expect((await report({ id: rsClient.id, secret: 'wrong' }, { organizations: [orgId] })).status).toBe(401);
    const bad = await report(rsClient, { flush_id: 'x3', increments: [{ ...inc, hour: '2001-01-01T00:00:00Z' }] });
    expect(bad.status).toBe(400);
    expect((await gh.gatehouse.metering.sink.quotas([orgId]))[0].used).toBe(11);
  });
});
