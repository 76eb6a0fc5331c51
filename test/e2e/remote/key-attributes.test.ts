import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import { OPERATOR } from '../../../src/audit/actor.js';
import { createRemoteResourceServer, forKoa } from '../../../src/resource-server/index.js';
import { startTestServer, type RunningGatehouse } from '../../support/harness.js';

const AUDIENCE = 'https://echo.example';
/** the remote resource server's introspection cache: its staleness bound for API keys */
const POSITIVE_TTL_MS = 300;

/**
 * A real Gatehouse and a resource server in remote mode (introspection) that echoes its
 * principal: a key's metadata reaches it, and disabling or re-enabling the key is honoured
 * within the introspection cache's bound.
 */
describe('key metadata and disabling, seen by a remote resource server', () => {
  let gh: RunningGatehouse;
  let api: Server;
  let apiUrl: string;
  let orgId: string;

  const call = async (key: string) => {
    const res = await fetch(`${apiUrl}/whoami`, { headers: { 'x-api-key': key } });
    return { status: res.status, body: (await res.json().catch(() => null)) as { principal?: Record<string, unknown> } | null };
  };
  /** polls until the status changes from `from`; @returns the new status and how long it took */
  const until = async (key: string, from: number) => {
    const started = performance.now();
    let status = from;
    while (status === from && performance.now() - started < 3000) {
      status = (await call(key)).status;
      if (status === from) await new Promise((r) => setTimeout(r, 20));
    }
    return { status, ms: performance.now() - started };
  };

  beforeAll(async () => {
    gh = await startTestServer();
    const g = gh.gatehouse;
    orgId = (await g.identity.organizations.create({ slug: 'echoes' })).id;
    await g.identity.resources.create(OPERATOR, orgId, { identifier: AUDIENCE, name: 'Echo', permissions: ['echo:read'] });
    const rs = await g.oauth.clients.create(OPERATOR, orgId, { name: 'Echo API', grant_types: ['client_credentials'] });
    const gate = forKoa(createRemoteResourceServer({
      issuer: gh.url, clientId: rs.client.clientId, clientSecret: rs.client_secret!, audience: AUDIENCE,
      introspectionCache: { positiveTtlMs: POSITIVE_TTL_MS, negativeTtlMs: 50 },
    }));
    const app = new Koa();
    app.use(gate.authenticate());
    app.use((ctx) => { ctx.body = { principal: ctx.state.principal }; });
    api = createServer(app.callback());
    await new Promise<void>((r) => api.listen(0, '127.0.0.1', r));
    apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
  }, 20_000);

  afterAll(async () => {
    api?.closeAllConnections();
    await new Promise<void>((r) => (api ? api.close(() => r()) : r()));
    await gh?.stop();
  });

  it("hands the key's metadata to the remote principal", async () => {
    const { key } = await gh.gatehouse.apiKeys.create(OPERATOR, orgId, { name: 'tagged', permissions: ['echo:read'], metadata: { customer: 'c_9', tier: 2, beta: true } });
    const res = await call(key);
    expect(res.status).toBe(200);
    expect(res.body?.principal).toMatchObject({ type: 'api_key', organization: orgId, metadata: { customer: 'c_9', tier: 2, beta: true } });
  });

  it(`refuses a disabled key within the introspection cache's ${POSITIVE_TTL_MS} ms, and accepts it again once re-enabled`, async () => {
    const { record, key } = await gh.gatehouse.apiKeys.create(OPERATOR, orgId, { name: 'switchable', permissions: ['echo:read'] });
    expect((await call(key)).status).toBe(200);
    await gh.gatehouse.apiKeys.update(OPERATOR, orgId, record.id, { enabled: false });
    const off = await until(key, 200);
    expect(off.status).toBe(401);
    expect(off.ms).toBeLessThanOrEqual(POSITIVE_TTL_MS + 250);
    await gh.gatehouse.apiKeys.update(OPERATOR, orgId, record.id, { enabled: true });
    const on = await until(key, 401);
    expect(on.status).toBe(200);
  });
});
