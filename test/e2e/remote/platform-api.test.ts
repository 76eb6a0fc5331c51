import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OPERATOR } from '../../../src/audit/actor.js';
import { koaInvoices } from '../../../examples/koa/app.js';
import { MANAGEMENT_PERMISSIONS } from '../../../src/domain/permissions.js';
import { createRemoteResourceServer, type RemoteResourceServer } from '../../../src/resource-server/index.js';
import { startTestServer, type RunningGatehouse } from '../../support/harness.js';
import { mintKey } from '../../support/seed.js';

const PLATFORM = 'https://invoices.platform.example';

/**
 * The operator's own API (a platform resource) protected by the example invoices API in remote
 * mode, with a client of the operator's organization bound to it through the management API:
 * two customer organizations' keys are accepted, each for its own organization, and the usage the
 * service reports lands in each organization's own count.
 */
describe('remote mode protecting a platform API', () => {
  let gh: RunningGatehouse;
  let rs: RemoteResourceServer;
  let api: Server;
  let apiUrl: string;
  const orgs: Record<string, string> = {};

  const call = async (org: string, key: string) => {
    const res = await fetch(`${apiUrl}/orgs/${org}/invoices`, { headers: { 'x-api-key': key } });
    return { status: res.status, body: (await res.json().catch(() => null)) as Record<string, unknown> | null };
  };

  beforeAll(async () => {
    gh = await startTestServer();
    const g = gh.gatehouse;
    const platform = await g.identity.resources.create(OPERATOR, null, { identifier: PLATFORM, name: 'Invoices', permissions: ['invoices:read', 'invoices:write'] });
    for (const slug of ['operator', 'acme', 'globex']) orgs[slug] = (await g.identity.organizations.create({ slug })).id;
    const service = await g.oauth.clients.create(OPERATOR, orgs.operator, { name: 'Invoices API', grant_types: ['client_credentials'] });
    const admin = (await mintKey(g, null, [...MANAGEMENT_PERMISSIONS, 'invoices:read', 'invoices:write'])).key;
    const bound = await fetch(`${gh.url}/v1/resources/${platform.id}/bound-clients`, {
      method: 'POST', headers: { 'x-api-key': admin, 'content-type': 'application/json' }, body: JSON.stringify({ client_id: service.client.clientId }),
    });
    expect(bound.status).toBe(201);
    rs = createRemoteResourceServer({ issuer: gh.url, clientId: service.client.clientId, clientSecret: service.client_secret!, audience: PLATFORM, meterFlushMs: 60_000 });
    api = createServer(koaInvoices(rs).callback());
    await new Promise<void>((r) => api.listen(0, '127.0.0.1', r));
    apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
  }, 20_000);

  afterAll(async () => {
    await rs?.close();
    api?.closeAllConnections();
    await new Promise<void>((r) => (api ? api.close(() => r()) : r()));
    await gh?.stop();
  });

  it("accepts two organizations' keys, each for its own organization only, and counts each organization's use", async () => {
    const acme = await mintKey(gh.gatehouse, orgs.acme, ['invoices:read', 'users:read']);
    const globex = await mintKey(gh.gatehouse, orgs.globex, ['invoices:read']);
    const a = await call(orgs.acme, acme.key);
    expect(a).toMatchObject({ status: 200, body: { organization: orgs.acme, caller: 'api_key' } });
    const b = await call(orgs.globex, globex.key);
    expect(b).toMatchObject({ status: 200, body: { organization: orgs.globex, caller: 'api_key' } });
    expect((await call(orgs.globex, acme.key)).status).toBe(404);
    // a key without the API's permissions is not even known to the service
    expect((await call(orgs.acme, (await mintKey(gh.gatehouse, orgs.acme, ['users:read'])).key)).status).toBe(401);

    await rs.close();
    const hour = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000);
    const until = new Date(hour.getTime() + 3_600_000);
    // admitted requests count, the one the API itself answered 404 included
    const admitted = async (org: string, keyId: string) => (await gh.gatehouse.store.metering.hours(org, hour, until, keyId)).reduce((n, h) => n + h.ok, 0);
    expect(await admitted(orgs.acme, acme.id)).toBe(2);
    expect(await admitted(orgs.globex, globex.id)).toBe(1);
  });
});
