import { OPERATOR } from '../../../src/audit/actor.js';
import { createRemoteResourceServer, type RemoteResourceServerOptions } from '../../../src/resource-server/index.js';
import type { RunningExample } from '../../../examples/invoices.js';
import { start as express } from '../../../examples/express/app.js';
import { start as nodeHttp } from '../../../examples/node-http/app.js';
import * as oidc from 'openid-client';
import { startTestServer, type RunningGatehouse } from '../../support/harness.js';
import { clientConfig } from '../../support/oauth.js';
import { dpopKey } from '../../support/dpop.js';

const AUDIENCE = 'https://invoices.example';
const LIMIT = 20;

/**
 * Remote mode keeps rate limits at Gatehouse by default: two instances of one protected service
 * (here on two frameworks) lease from the same counters, so together they admit exactly the
 * limit, not the limit each.
 */
describe('rate limits shared by the instances of a remote service', () => {
  let gh: RunningGatehouse;
  let orgId: string;
  let options: RemoteResourceServerOptions;
  const running: RunningExample[] = [];

  beforeAll(async () => {
    gh = await startTestServer();
    const g = gh.gatehouse;
    orgId = (await g.identity.organizations.create({ slug: 'invoicing' })).id;
    await g.identity.resources.create(OPERATOR, orgId, { identifier: AUDIENCE, name: 'Invoices', permissions: ['invoices:read'] });
    const rs = await g.oauth.clients.create(OPERATOR, orgId, { name: 'Invoices API', grant_types: ['client_credentials'] });
    options = { issuer: gh.url, clientId: rs.client.clientId, clientSecret: rs.client_secret!, audience: AUDIENCE };
  });
  afterAll(async () => {
    for (const app of running) await app.close();
    await gh.stop();
  });

  const burst = async (apps: RunningExample[], key: string, perApp: number) => {
    const statuses = await Promise.all(apps.flatMap((app) => Array.from({ length: perApp }, () =>
      fetch(`${app.url}/orgs/${orgId}/invoices`, { headers: { 'x-api-key': key } }).then(async (r) => { await r.arrayBuffer(); return r.status; }))));
    return { ok: statuses.filter((s) => s === 200).length, limited: statuses.filter((s) => s === 429).length };
  };

  it(`admits exactly ${LIMIT} requests of a key limited to ${LIMIT} across two instances under concurrent bursts`, async () => {
    const a = await nodeHttp(createRemoteResourceServer(options));
    const b = await express(createRemoteResourceServer(options));
    running.push(a, b);
    const { key } = await gh.gatehouse.apiKeys.create(OPERATOR, orgId, { name: 'limited', permissions: ['invoices:read'], rateLimit: { limit: LIMIT, windowSeconds: 3600 } });
    const first = await burst([a, b], key, 15);
    const second = await burst([a, b], key, 15);
    expect(first.ok + second.ok).toBe(LIMIT);
    expect(first.limited + second.limited).toBe(60 - LIMIT);
  });

  it("counts per instance only when told to ('memory'): the documented alternative", async () => {
    const a = await nodeHttp(createRemoteResourceServer({ ...options, rateLimitStore: 'memory' }));
    const b = await nodeHttp(createRemoteResourceServer({ ...options, rateLimitStore: 'memory' }));
    running.push(a, b);
    const { key } = await gh.gatehouse.apiKeys.create(OPERATOR, orgId, { name: 'per-instance', permissions: ['invoices:read'], rateLimit: { limit: 5, windowSeconds: 3600 } });
    expect((await burst([a, b], key, 8)).ok).toBe(10);
  });

  it('keeps one service\'s counters apart from another\'s (namespaced by client)', async () => {
    const other = await gh.gatehouse.oauth.clients.create(OPERATOR, orgId, { name: 'Reports API', grant_types: ['client_credentials'] });
    const a = await nodeHttp(createRemoteResourceServer(options));
    const c = await nodeHttp(createRemoteResourceServer({ ...options, clientId: other.client.clientId, clientSecret: other.client_secret! }));
    running.push(a, c);
    const { key } = await gh.gatehouse.apiKeys.create(OPERATOR, orgId, { name: 'two services', permissions: ['invoices:read'], rateLimit: { limit: 3, windowSeconds: 3600 } });
    expect((await burst([a], key, 5)).ok).toBe(3);
    expect((await burst([c], key, 5)).ok).toBe(3);
  });

  it('accepts a DPoP proof once across the instances of a service (claimed at Gatehouse)', async () => {
    // both instances answer at one public origin, as behind a load balancer
    const origin = 'https://invoices.example';
    const a = await nodeHttp(createRemoteResourceServer({ ...options, dpop: { origin } }));
    const b = await express(createRemoteResourceServer({ ...options, dpop: { origin } }));
    running.push(a, b);
    const caller = await gh.gatehouse.oauth.clients.create(OPERATOR, orgId, { name: 'Billing job', grant_types: ['client_credentials'], permissions: ['invoices:read'] });
    const config = await clientConfig(gh.url, caller.client.clientId, caller.client_secret!);
    const key = await dpopKey();
    const token = (await oidc.clientCredentialsGrant(config, { scope: 'invoices:read', resource: AUDIENCE }, { DPoP: oidc.getDPoPHandle(config, key.keyPair) })).access_token;
    const path = `/orgs/${orgId}/invoices`;
    const proof = await key.proof({ htm: 'GET', htu: `${origin}${path}`, accessToken: token });
    const send = (app: RunningExample, dpop: string) => fetch(`${app.url}${path}`, { headers: { authorization: `DPoP ${token}`, dpop } }).then(async (r) => [r.status, ((await r.json()) as { code?: string }).code]);
    expect(await send(a, proof)).toEqual([200, undefined]);
    expect(await send(b, proof)).toEqual([401, 'invalid_dpop_proof']);
    expect(await send(b, await key.proof({ htm: 'GET', htu: `${origin}${path}`, accessToken: token }))).toEqual([200, undefined]);
  });
});
