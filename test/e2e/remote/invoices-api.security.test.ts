import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OPERATOR } from '../../../src/audit/actor.js';
import { generateApiKey } from '../../../src/domain/api-keys/format.js';
import { newId } from '../../../src/domain/ids.js';
import { Secrets } from '../../../src/domain/secrets.js';
import { koaInvoices } from '../../../examples/koa/app.js';
import { createRemoteResourceServer } from '../../../src/resource-server/index.js';
import { startTestServer, type RunningGatehouse } from '../../support/harness.js';

const AUDIENCE = 'https://invoices.example';
const FAILED_AUTH_LIMIT = 5;

describe('the example resource server in remote mode refuses what it must', () => {
  let gh: RunningGatehouse;
  let api: Server;
  let apiUrl: string;
  let otherOrgKey: string;
  let introspections = 0;
  let orgId: string;

  const status = async (headers: Record<string, string>) => {
    const res = await fetch(`${apiUrl}/orgs/${orgId}/invoices`, { headers });
    await res.arrayBuffer();
    return res.status;
  };

  beforeAll(async () => {
    gh = await startTestServer();
    const g = gh.gatehouse;
    const org = await g.identity.organizations.create({ slug: 'invoicing' });
    const other = await g.identity.organizations.create({ slug: 'elsewhere' });
    orgId = org.id;
    await g.identity.resources.create(OPERATOR, org.id, { identifier: AUDIENCE, name: 'Invoices', permissions: ['invoices:read'] });
    await g.identity.resources.create(OPERATOR, other.id, { identifier: 'https://other.example', name: 'Other', permissions: ['invoices:read'] });
    const rs = await g.oauth.clients.create(OPERATOR, org.id, { name: 'Invoices API', grant_types: ['client_credentials'] });
    otherOrgKey = (await g.apiKeys.create(OPERATOR, other.id, { name: 'theirs', permissions: ['invoices:read'] })).key;
    const countingFetch = ((input: string | URL, init?: RequestInit) => {
      if (String(input).endsWith('/token/introspection')) introspections++;
      return fetch(input, init);
    }) as typeof fetch;
    api = createServer(koaInvoices(createRemoteResourceServer({
      issuer: gh.url, clientId: rs.client.clientId, clientSecret: rs.client_secret!, audience: AUDIENCE,
      fetch: countingFetch, failedAuthPerIp: { limit: FAILED_AUTH_LIMIT, windowSeconds: 3600 },
    })).callback());
    await new Promise<void>((r) => api.listen(0, '127.0.0.1', r));
    apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
  }, 20_000);

  afterAll(async () => {
    api?.closeAllConnections();
    await new Promise<void>((r) => (api ? api.close(() => r()) : r()));
    await gh?.stop();
  });

  it("refuses another organization's key (introspection says inactive) and garbage without asking Gatehouse", async () => {
    expect(await status({ 'x-api-key': otherOrgKey })).toBe(401);
    const before = introspections;
    expect(await status({ 'x-api-key': 'ak_live_short' })).toBe(401);
    expect(await status({ 'x-api-key': 'not-a-key' })).toBe(401);
    expect(introspections).toBe(before);
  });

  it('refuses a JWT whose payload was altered', async () => {
    const token = `${Buffer.from(JSON.stringify({ alg: 'RS256', typ: 'at+jwt' })).toString('base64url')}.${Buffer.from(JSON.stringify({ iss: gh.url, aud: AUDIENCE, sub: 'x', client_id: 'x', scope: 'invoices:read', exp: 9999999999 })).toString('base64url')}.c2ln`;
    expect(await status({ authorization: `Bearer ${token}` })).toBe(401);
  });

  it('throttles a flood of well-formed unknown keys per address, bounding the introspection calls it causes', async () => {
    const before = introspections;
    const statuses: number[] = [];
    for (let i = 0; i < FAILED_AUTH_LIMIT + 5; i++) {
      const forged = generateApiKey(new Secrets(Buffer.alloc(32, i + 1).toString('base64url')), 'live', newId('key')).key;
      statuses.push(await status({ 'x-api-key': forged }));
    }
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(5);
    expect(statuses.slice(-3)).toEqual([429, 429, 429]);
    expect(introspections - before).toBeLessThanOrEqual(FAILED_AUTH_LIMIT + 1);
  });
});
