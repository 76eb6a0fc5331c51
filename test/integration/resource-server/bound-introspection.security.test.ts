import * as oidc from 'openid-client';
import { OPERATOR } from '../../../src/audit/actor.js';
import { MANAGEMENT_PERMISSIONS } from '../../../src/domain/permissions.js';
import { startTestServer, type RunningGatehouse } from '../../support/harness.js';
import { clientConfig } from '../../support/oauth.js';
import { mintKey } from '../../support/seed.js';
import { basic } from './introspection-fixture.js';

/*
 * Resource-server bindings (SPEC §2a, §5): a client bound to a platform API introspects every
 * organization's keys and tokens holding that API's permissions, and sees only those permissions;
 * unbound clients and unheld permissions learn nothing; only a caller entitled to the API binds.
 */
const PLATFORM = 'https://platform.example.com';
const REPORTS = ['reports:read', 'reports:write'];
type Json = Record<string, any>;

let server: RunningGatehouse;
let platformId: string;
const orgs: Record<'ops' | 'acme' | 'globex', string> = { ops: '', acme: '', globex: '' };
let serverKey: string;
let bound: { id: string; secret: string };
let unbound: { id: string; secret: string };

async function client(orgId: string, extra: Record<string, unknown> = {}) {
  const { client, client_secret } = await server.gatehouse.oauth.clients.create(OPERATOR, orgId, {
    name: 'RS', grant_types: ['client_credentials'], redirect_uris: [], permissions: [], ...extra,
  });
  return { id: client.clientId, secret: client_secret! };
}

async function call(method: string, path: string, key: string, body?: unknown) {
  const res = await fetch(`${server.url}/v1${path}`, {
    method, headers: { 'x-api-key': key, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as Json };
}

async function introspect(token: string, as: { id: string; secret: string }): Promise<Json> {
  const res = await fetch(`${server.url}/token/introspection`, {
    method: 'POST', headers: { authorization: basic(as.id, as.secret), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token }),
  });
  expect(res.status).toBe(200);
  return res.json() as Promise<Json>;
}

beforeAll(async () => {
  server = await startTestServer();
  const gh = server.gatehouse;
  platformId = (await gh.identity.resources.create(OPERATOR, null, { identifier: PLATFORM, permissions: REPORTS })).id;
  for (const slug of ['ops', 'acme', 'globex'] as const) orgs[slug] = (await gh.identity.organizations.create({ slug })).id;
  serverKey = (await mintKey(gh, null, [...MANAGEMENT_PERMISSIONS, ...REPORTS])).key;
  bound = await client(orgs.ops);
  unbound = await client(orgs.acme);
  const res = await call('POST', `/resources/${platformId}/bound-clients`, serverKey, { client_id: bound.id });
  expect(res.status).toBe(201);
  expect(res.body).toMatchObject({ object: 'resource_binding', resource_id: platformId, client_id: bound.id });
});
afterAll(() => server.stop());

describe('introspection by a client bound to a platform API', () => {
  it("reports two organizations' keys holding the API's permissions, with only those permissions", async () => {
    for (const org of [orgs.acme, orgs.globex]) {
      const { id, key } = await mintKey(server.gatehouse, org, ['reports:read', 'users:read', 'api_keys:write']);
      const answer = await introspect(key, bound);
      expect(answer).toMatchObject({ active: true, token_type: 'api_key', scope: 'reports:read', organization: org, environment: 'live', key_id: id });
      expect(JSON.stringify(answer)).not.toMatch(/users:read|api_keys:write/);
    }
  });

  it("answers {active:false} and nothing else for a key holding none of the API's permissions, and for a server-scoped key", async () => {
    expect(await introspect((await mintKey(server.gatehouse, orgs.globex, ['users:read'])).key, bound)).toEqual({ active: false });
    expect(await introspect((await mintKey(server.gatehouse, null, REPORTS)).key, bound)).toEqual({ active: false });
  });

  it("reports another organization's access token for the API with its scope cut to the API's permissions, and not one for another audience", async () => {
    const app = await client(orgs.globex, { permissions: ['reports:read', 'users:read'] });
    const config = await clientConfig(server.url, app.id, app.secret);
    const forApi = (await oidc.clientCredentialsGrant(config, { scope: 'reports:read', resource: PLATFORM })).access_token;
    expect(await introspect(forApi, bound)).toMatchObject({ active: true, scope: 'reports:read', organization: orgs.globex, client_id: app.id });
    const forManagement = (await oidc.clientCredentialsGrant(config, { scope: 'users:read' })).access_token;
    expect(await introspect(forManagement, bound)).toEqual({ active: false });
    expect(await introspect(forApi, unbound)).toEqual({ active: false });
  });

  it("never tells an unbound client of one organization about another organization's keys, whatever they hold", async () => {
    expect(await introspect((await mintKey(server.gatehouse, orgs.globex, REPORTS)).key, unbound)).toEqual({ active: false });
  });

  it("lets a binding to an organization's own API reach only that organization's credentials, though another organization's API declares the same permission", async () => {
    const gh = server.gatehouse;
    const acmeApi = await gh.identity.resources.create(OPERATOR, orgs.acme, { identifier: 'https://api.acme.test', permissions: ['invoices:read'] });
    await gh.identity.resources.create(OPERATOR, orgs.globex, { identifier: 'https://api.globex.test', permissions: ['invoices:read'] });
    const acmeAdmin = (await mintKey(gh, orgs.acme, [...MANAGEMENT_PERMISSIONS, 'invoices:read'])).key;
    const partner = await client(orgs.ops);
    expect((await call('POST', `/organizations/acme/resources/${acmeApi.id}/bound-clients`, acmeAdmin, { client_id: partner.id })).status).toBe(201);
    expect(await introspect((await mintKey(gh, orgs.acme, ['invoices:read', 'users:read'])).key, partner)).toMatchObject({ active: true, scope: 'invoices:read' });
    expect(await introspect((await mintKey(gh, orgs.globex, ['invoices:read'])).key, partner)).toEqual({ active: false });
  });

  it('stops answering for an unbound client within the binding cache bound (1 s)', async () => {
    const temp = await client(orgs.ops);
    const key = (await mintKey(server.gatehouse, orgs.globex, ['reports:read'])).key;
    await call('POST', `/resources/${platformId}/bound-clients`, serverKey, { client_id: temp.id });
    expect((await introspect(key, temp)).active).toBe(true);
    expect((await call('DELETE', `/resources/${platformId}/bound-clients/${temp.id}`, serverKey)).status).toBe(204);
    await new Promise((r) => setTimeout(r, 1100));
    expect(await introspect(key, temp)).toEqual({ active: false });
    expect((await call('DELETE', `/resources/${platformId}/bound-clients/${temp.id}`, serverKey)).status).toBe(404);
  });
});

describe('who may bind a client to an API', () => {
  it("refuses an organization's credential binding its own client to a platform API", async () => {
    const acmeAll = (await mintKey(server.gatehouse, orgs.acme, [...MANAGEMENT_PERMISSIONS, ...REPORTS])).key;
    const res = await call('POST', `/resources/${platformId}/bound-clients`, acmeAll, { client_id: unbound.id });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('server_scope_required');
  });

  it("refuses a server credential lacking the API's permissions or clients:write", async () => {
    const gh = server.gatehouse;
    const lacksApi = (await mintKey(gh, null, [...MANAGEMENT_PERMISSIONS, 'reports:read'])).key;
    const lacksClients = (await mintKey(gh, null, [...MANAGEMENT_PERMISSIONS.filter((p) => p !== 'clients:write'), ...REPORTS])).key;
    for (const key of [lacksApi, lacksClients]) {
      const res = await call('POST', `/resources/${platformId}/bound-clients`, key, { client_id: unbound.id });
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('permission_escalation');
    }
    expect(await introspect((await mintKey(gh, orgs.globex, REPORTS)).key, unbound)).toEqual({ active: false });
  });

  it("refuses binding to another organization's API (404), and a public client (400)", async () => {
    const gh = server.gatehouse;
    const globexApi = await gh.identity.resources.create(OPERATOR, orgs.globex, { identifier: 'https://other.globex.test', permissions: ['ledger:read'] });
    const acmeAll = (await mintKey(gh, orgs.acme, MANAGEMENT_PERMISSIONS)).key;
    expect((await call('POST', `/organizations/globex/resources/${globexApi.id}/bound-clients`, acmeAll, { client_id: unbound.id })).status).toBe(404);
    expect((await call('POST', `/organizations/acme/resources/${globexApi.id}/bound-clients`, acmeAll, { client_id: unbound.id })).status).toBe(404);
    const spa = await gh.oauth.clients.create(OPERATOR, orgs.ops, { name: 'SPA', redirect_uris: ['https://app.example.com/cb'], public: true });
    const res = await call('POST', `/resources/${platformId}/bound-clients`, serverKey, { client_id: spa.client.clientId });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([expect.objectContaining({ field: 'client_id' })]);
  });

  it('lists the bound clients to callers who read the API', async () => {
    const res = await call('GET', `/resources/${platformId}/bound-clients`, serverKey);
    expect(res.status).toBe(200);
    expect(res.body.data.map((b: Json) => b.client_id)).toContain(bound.id);
  });
});

describe('usage reports by a client bound to a platform API', () => {
  const report = (as: { id: string; secret: string }, body: Json) => fetch(`${server.url}/resource-server/usage`, {
    method: 'POST', headers: { authorization: basic(as.id, as.secret), 'content-type': 'application/json' }, body: JSON.stringify(body),
  });
  const hour = () => new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000).toISOString();
  const increment = (organization: string, key_id: string | null) => ({ organization, key_id, hour: hour(), ok: 3, denied: 0, rate_limited: 0, units: 3 });

  it("accepts another organization's key holding the API's permissions, and answers its quota", async () => {
    const { id } = await mintKey(server.gatehouse, orgs.globex, ['reports:read']);
    const res = await report(bound, { flush_id: 'f1', increments: [increment(orgs.globex, id)] });
    expect(res.status).toBe(200);
    expect((await res.json() as Json).quotas).toEqual([expect.objectContaining({ organization: orgs.globex, used: 3 })]);
  });

  it("refuses a key without the API's permissions, and refuses an unbound client another organization's keys and quotas", async () => {
    const plain = await mintKey(server.gatehouse, orgs.globex, ['users:read']);
    expect((await report(bound, { flush_id: 'f2', increments: [increment(orgs.globex, plain.id)] })).status).toBe(400);
    const holding = await mintKey(server.gatehouse, orgs.globex, ['reports:read']);
    expect((await report(unbound, { flush_id: 'f3', increments: [increment(orgs.globex, holding.id)] })).status).toBe(400);
    expect((await report(unbound, { flush_id: 'f4', increments: [increment(orgs.globex, null)] })).status).toBe(400);
    const quotas = await report(unbound, { organizations: [orgs.globex] });
    expect(await quotas.json()).toEqual({ quotas: [] });
  });
});
