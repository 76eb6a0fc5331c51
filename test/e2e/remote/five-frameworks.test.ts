import * as oidc from 'openid-client';
import { OPERATOR } from '../../../src/audit/actor.js';
import { generateApiKey } from '../../../src/domain/api-keys/format.js';
import { newId } from '../../../src/domain/ids.js';
import { Secrets } from '../../../src/domain/secrets.js';
import { createRemoteResourceServer } from '../../../src/resource-server/index.js';
import type { RunningExample } from '../../../examples/invoices.js';
import { start as express } from '../../../examples/express/app.js';
import { start as fastify } from '../../../examples/fastify/app.js';
import { start as hono } from '../../../examples/hono/app.js';
import { start as koa } from '../../../examples/koa/app.js';
import { start as nodeHttp } from '../../../examples/node-http/app.js';
import { startTestServer, type RunningGatehouse } from '../../support/harness.js';
import { clientConfig } from '../../support/oauth.js';
import { dpopKey } from '../../support/dpop.js';

const AUDIENCE = 'https://invoices.example';
const FRAMEWORKS = { koa, express, fastify, 'node-http': nodeHttp, hono };
type Framework = keyof typeof FRAMEWORKS;

interface Answer { status: number; body: Record<string, unknown> | null; www: string | null; rateLimit: string | null }

/**
 * One table of cases, five frameworks: the invoices example API on Koa, Express 5, Fastify 5,
 * Node's http and Hono, each in remote mode against one running Gatehouse, must give every case
 * the same status and the same body (and the same `WWW-Authenticate`).
 */
describe('the same answers on every framework', () => {
  let gh: RunningGatehouse;
  const apps = {} as Record<Framework, RunningExample>;
  let orgA: string;
  let orgB: string;
  let keys: Record<'valid' | 'revoked' | 'reportsOnly', string>;
  let jwt: string;
  let bound: string;
  let key: Awaited<ReturnType<typeof dpopKey>>;
  let newLimitedKey: () => Promise<string>;

  beforeAll(async () => {
    gh = await startTestServer();
    const g = gh.gatehouse;
    orgA = (await g.identity.organizations.create({ slug: 'invoicing' })).id;
    orgB = (await g.identity.organizations.create({ slug: 'elsewhere' })).id;
    await g.identity.resources.create(OPERATOR, orgA, { identifier: AUDIENCE, name: 'Invoices', permissions: ['invoices:read', 'invoices:write', 'reports:read'] });
    const rsClient = await g.oauth.clients.create(OPERATOR, orgA, { name: 'Invoices API', grant_types: ['client_credentials'] });
    const caller = await g.oauth.clients.create(OPERATOR, orgA, { name: 'Billing job', grant_types: ['client_credentials'], permissions: ['invoices:read'] });
    const mint = async (permissions: string[], extra: object = {}) => (await g.apiKeys.create(OPERATOR, orgA, { name: 'k', permissions, ...extra })).key;
    const revoked = await g.apiKeys.create(OPERATOR, orgA, { name: 'gone', permissions: ['invoices:read'] });
    await g.apiKeys.revoke(OPERATOR, orgA, revoked.record.id);
    keys = { valid: await mint(['invoices:read']), revoked: revoked.key, reportsOnly: await mint(['reports:read']) };
    newLimitedKey = () => mint(['invoices:read'], { rateLimit: { limit: 1, windowSeconds: 3600 } });
    const config = await clientConfig(gh.url, caller.client.clientId, caller.client_secret!);
    jwt = (await oidc.clientCredentialsGrant(config, { scope: 'invoices:read', resource: AUDIENCE })).access_token;
    key = await dpopKey();
    bound = (await oidc.clientCredentialsGrant(config, { scope: 'invoices:read', resource: AUDIENCE }, { DPoP: oidc.getDPoPHandle(config, key.keyPair) })).access_token;
    for (const [name, start] of Object.entries(FRAMEWORKS)) {
      // one instance of the protected service per framework, all with the same client: one service
      const rs = createRemoteResourceServer({ issuer: gh.url, clientId: rsClient.client.clientId, clientSecret: rsClient.client_secret!, audience: AUDIENCE });
      apps[name as Framework] = await start(rs);
    }
  }, 30_000);

  afterAll(async () => {
    for (const app of Object.values(apps)) await app?.close();
    await gh?.stop();
  });

  const call = async (base: string, method: string, path: string, headers: Record<string, string>): Promise<Answer> => {
    const res = await fetch(`${base}${path}`, { method, headers });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null, www: res.headers.get('www-authenticate'), rateLimit: res.headers.get('ratelimit-limit') };
  };
  const forged = () => generateApiKey(new Secrets(Buffer.alloc(32, 9).toString('base64url')), 'live', newId('key')).key;

  /** [case, method, path, request headers (for this framework's URL), expected status, expected code] */
  const CASES: Array<[string, 'GET' | 'POST', (org: { a: string; b: string }) => string, (url: string) => Promise<Record<string, string>>, number, string | null]> = [
    ['valid API key', 'GET', (o) => `/orgs/${o.a}/invoices`, async () => ({ 'x-api-key': keys.valid }), 200, null],
    ['valid API key as a bearer token', 'GET', (o) => `/orgs/${o.a}/invoices`, async () => ({ authorization: `Bearer ${keys.valid}` }), 200, null],
    ['no credential', 'GET', (o) => `/orgs/${o.a}/invoices`, async () => ({}), 401, 'invalid_token'],
    ['forged API key', 'GET', (o) => `/orgs/${o.a}/invoices`, async () => ({ 'x-api-key': forged() }), 401, 'invalid_token'],
    ['revoked API key', 'GET', (o) => `/orgs/${o.a}/invoices`, async () => ({ 'x-api-key': keys.revoked }), 401, 'invalid_token'],
    ['JWT for this API', 'GET', (o) => `/orgs/${o.a}/invoices`, async () => ({ authorization: `Bearer ${jwt}` }), 200, null],
    ['DPoP-bound token with a proof', 'GET', (o) => `/orgs/${o.a}/invoices`, async (url) => ({ authorization: `DPoP ${bound}`, dpop: await key.proof({ htm: 'GET', htu: url, accessToken: bound }) }), 200, null],
    ['DPoP-bound token without a proof', 'GET', (o) => `/orgs/${o.a}/invoices`, async () => ({ authorization: `DPoP ${bound}` }), 401, 'invalid_dpop_proof'],
    ['DPoP-bound token as a bearer token', 'GET', (o) => `/orgs/${o.a}/invoices`, async () => ({ authorization: `Bearer ${bound}` }), 401, 'invalid_token'],
    ['missing permission', 'GET', (o) => `/orgs/${o.a}/invoices`, async () => ({ 'x-api-key': keys.reportsOnly }), 403, 'insufficient_scope'],
    ['another organization', 'GET', (o) => `/orgs/${o.b}/invoices`, async () => ({ 'x-api-key': keys.valid }), 404, 'not_found'],
    ['read-only key on POST', 'POST', (o) => `/orgs/${o.a}/invoices`, async () => ({ 'x-api-key': keys.valid }), 403, 'read_only_credential'],
    ['over the key\'s rate limit', 'GET', (o) => `/orgs/${o.a}/invoices`, async (url) => {
      const limited = await newLimitedKey();
      expect((await fetch(url, { headers: { 'x-api-key': limited } })).status).toBe(200);
      return { 'x-api-key': limited };
    }, 429, 'rate_limited'],
  ];

  it.each(CASES)('%s: the same status and body on all five', async (_name, method, pathOf, headersFor, status, code) => {
    const path = pathOf({ a: orgA, b: orgB });
    const answers = {} as Record<Framework, Answer>;
    for (const framework of Object.keys(FRAMEWORKS) as Framework[]) {
      const url = `${apps[framework].url}${path}`;
      answers[framework] = await call(apps[framework].url, method, path, await headersFor(url));
    }
    // the seconds until a window ends depend on when each request came: compare the rest exactly
    const comparable = (a: Answer) => ({ ...a, body: a.body && { ...a.body, retry_after: typeof a.body.retry_after, detail: String(a.body.detail).replace(/\d+ s\b/, 'N s') } });
    const reference = comparable(answers.koa);
    for (const framework of Object.keys(FRAMEWORKS) as Framework[]) expect({ framework, ...comparable(answers[framework]) }).toEqual({ framework, ...reference });
    expect(answers.koa.status).toBe(status);
    if (code) expect(answers.koa.body?.code).toBe(code);
    if (status === 200) expect(answers.koa.rateLimit).toBe('6000');
    if (status === 401) expect(answers.koa.www).toMatch(/DPoP /);
  });
});
