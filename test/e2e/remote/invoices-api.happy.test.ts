import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OPERATOR } from '../../../src/audit/actor.js';
import { koaInvoices } from '../../../examples/koa/app.js';
import { createRemoteResourceServer } from '../../../src/resource-server/index.js';
import { startTestServer, type RunningGatehouse } from '../../support/harness.js';

const AUDIENCE = 'https://invoices.example';
const POSITIVE_TTL_MS = 300;

/**
 * A real Gatehouse and the example invoices API (remote mode) on 127.0.0.1: the API checks JWTs
 * against the discovered JWKS and API keys through introspection.
 */
describe('the example resource server in remote mode', () => {
  let gh: RunningGatehouse;
  let api: Server;
  let apiUrl: string;
  let orgId: string;
  let jwt: string;
  let apiKey: { id: string; key: string };
  let managementJwt: string;

  const call = async (path: string, headers: Record<string, string>, method = 'GET') => {
    const res = await fetch(`${apiUrl}${path}`, { method, headers });
    return { status: res.status, body: await res.json().catch(() => null), headers: res.headers };
  };

  const clientCredentials = async (id: string, secret: string, form: Record<string, string>) => {
    const res = await fetch(`${gh.url}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}` },
      body: new URLSearchParams({ grant_type: 'client_credentials', ...form }),
    });
    const body = (await res.json()) as { access_token: string };
    if (res.status !== 200) throw new Error(`token endpoint: ${res.status} ${JSON.stringify(body)}`);
    return body.access_token;
  };

  beforeAll(async () => {
    gh = await startTestServer();
    const g = gh.gatehouse;
    orgId = (await g.identity.organizations.create({ slug: 'invoicing' })).id;
    await g.identity.resources.create(OPERATOR, orgId, { identifier: AUDIENCE, name: 'Invoices', permissions: ['invoices:read', 'invoices:write'] });
    // the API's own confidential client (introspection), and a caller app using client_credentials
    const rsClient = await g.oauth.clients.create(OPERATOR, orgId, { name: 'Invoices API', grant_types: ['client_credentials'] });
    const app = await g.oauth.clients.create(OPERATOR, orgId, { name: 'Billing job', grant_types: ['client_credentials'], permissions: ['invoices:read', 'users:read'] });
    jwt = await clientCredentials(app.client.clientId, app.client_secret!, { scope: 'invoices:read', resource: AUDIENCE });
    managementJwt = await clientCredentials(app.client.clientId, app.client_secret!, { scope: 'users:read' });
    const issued = await g.apiKeys.create(OPERATOR, orgId, { name: 'billing', permissions: ['invoices:read'] });
    apiKey = { id: issued.record.id, key: issued.key };

    api = createServer(koaInvoices(createRemoteResourceServer({
      issuer: gh.url, clientId: rsClient.client.clientId, clientSecret: rsClient.client_secret!, audience: AUDIENCE,
      introspectionCache: { positiveTtlMs: POSITIVE_TTL_MS, negativeTtlMs: 100 },
    })).callback());
    await new Promise<void>((r) => api.listen(0, '127.0.0.1', r));
    apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
  }, 20_000);

  afterAll(async () => {
    api?.closeAllConnections();
    await new Promise<void>((r) => (api ? api.close(() => r()) : r()));
    await gh?.stop();
  });

  it('serves GET /invoices to a client_credentials JWT issued for its audience', async () => {
    const res = await call(`/orgs/${orgId}/invoices`, { authorization: `Bearer ${jwt}` });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ organization: orgId, caller: 'client' });
  });

  it('sends RateLimit-* headers on every authenticated answer, JWT and API key alike (one organization budget)', async () => {
    const byJwt = await call(`/orgs/${orgId}/invoices`, { authorization: `Bearer ${jwt}` });
    const byKey = await call(`/orgs/${orgId}/invoices`, { 'x-api-key': apiKey.key });
    for (const res of [byJwt, byKey]) {
      expect(res.headers.get('ratelimit-limit')).toBe('6000');
      expect(Number(res.headers.get('ratelimit-reset'))).toBeGreaterThan(0);
    }
    expect(Number(byKey.headers.get('ratelimit-remaining'))).toBeLessThan(Number(byJwt.headers.get('ratelimit-remaining')));
  });

  it('serves GET /invoices to an API key, checked by introspection', async () => {
    const res = await call(`/orgs/${orgId}/invoices`, { 'x-api-key': apiKey.key });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ organization: orgId, caller: 'api_key' });
  });

  it('refuses POST /invoices (invoices:write) to both credentials with 403', async () => {
    for (const headers of [{ authorization: `Bearer ${jwt}` }, { 'x-api-key': apiKey.key }] as Array<Record<string, string>>) {
      const res = await call(`/orgs/${orgId}/invoices`, headers, 'POST');
      expect(res.status).toBe(403);
      expect(res.headers.get('content-type')).toMatch(/problem\+json/);
    }
  });

  it('refuses a JWT for another audience and a missing credential with 401 + WWW-Authenticate', async () => {
    for (const headers of [{ authorization: `Bearer ${managementJwt}` }, {} as Record<string, string>]) {
      const res = await call(`/orgs/${orgId}/invoices`, headers);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer .*invalid_token/);
    }
  });

  it(`refuses a revoked API key within the introspection cache's ${POSITIVE_TTL_MS} ms`, async () => {
    const { record, key } = await gh.gatehouse.apiKeys.create(OPERATOR, orgId, { name: 'short-lived', permissions: ['invoices:read'] });
    expect((await call(`/orgs/${orgId}/invoices`, { 'x-api-key': key })).status).toBe(200);
    const started = performance.now();
    await gh.gatehouse.apiKeys.revoke(OPERATOR, orgId, record.id);
    let status = 200;
    while (status === 200 && performance.now() - started < 3000) {
      status = (await call(`/orgs/${orgId}/invoices`, { 'x-api-key': key })).status;
      if (status === 200) await new Promise((r) => setTimeout(r, 20));
    }
    expect(status).toBe(401);
    expect(performance.now() - started).toBeLessThanOrEqual(POSITIVE_TTL_MS + 250);
  });
});
