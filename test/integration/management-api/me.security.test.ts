import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OPERATOR } from '../../../src/audit/actor.js';
import { MANAGEMENT_PERMISSIONS } from '../../../src/domain/permissions.js';
import { startTestServer, type RunningGatehouse } from '../../support/harness.js';
import { enrolApp, settle } from '../../support/accounts.js';
import { mintKey } from '../../support/seed.js';
import { snapshotSqlite } from '../../support/store-snapshot.js';
import { clientCredentialsToken } from '../../support/tokens.js';
import { person } from './me-fixture.js';

type Json = Record<string, any>;
let server: RunningGatehouse;
let dir: string;
let dbPath: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gatehouse-me-'));
  dbPath = join(dir, 'store.db');
  // a generous login budget: the enumeration below tries many wrong passwords from one address
  server = await startTestServer({
    databaseUrl: `sqlite:${dbPath}`,
    throttles: { failedAuthPerIp: { limit: 1000, windowSeconds: 60 }, loginPerAccount: { limit: 1000, windowSeconds: 900 }, loginPerIp: { limit: 1000, windowSeconds: 900 } },
  });
});
afterAll(async () => {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Every /v1/me route, as the OpenAPI document lists it. */
async function meRoutes(): Promise<Array<{ method: string; path: string; body?: Json }>> {
  const doc = await (await fetch(`${server.url}/openapi.json`)).json() as Json;
  return Object.entries(doc.paths as Json).filter(([path]) => path === '/v1/me' || path.startsWith('/v1/me/'))
    .flatMap(([path, ops]) => Object.entries(ops as Json).map(([method, op]) => ({ method, path, body: (op as Json).requestBody?.content?.['application/json']?.schema })));
}

const call = async (method: string, path: string, headers: Record<string, string>, body?: unknown) => {
  const res = await fetch(`${server.url}${path.replace(/\{id\}/, 'mfa_x')}`, {
    method: method.toUpperCase(), headers: { 'content-type': 'application/json', ...headers }, body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
};

describe('/v1/me is the calling person\'s own, and every change proves the password again', () => {
  it('refuses API keys and client tokens on every route (403 user_token_required), whatever they hold', async () => {
    const gh = server.gatehouse;
    const org = await gh.identity.organizations.create({ slug: 'me-keys' });
    const { client, client_secret } = await gh.oauth.clients.create(OPERATOR, org.id, {
      name: 'Robot', grant_types: ['client_credentials'], redirect_uris: [], permissions: [...MANAGEMENT_PERMISSIONS],
    });
    const callers = {
      'an organization key': { 'X-API-Key': (await mintKey(gh, org.id)).key },
      'a server key': { 'X-API-Key': (await mintKey(gh, null)).key },
      'a client token': { authorization: `Bearer ${await clientCredentialsToken(server.url, client.clientId, client_secret!, ['users:read'])}` },
    };
    const routes = await meRoutes();
    expect(routes.length).toBe(9);
    for (const route of routes) {
      for (const [name, headers] of Object.entries(callers)) {
        const res = await call(route.method, route.path, headers, route.body ? {} : undefined);
        expect([`${route.method} ${route.path} by ${name}`, res.status, res.body?.code]).toEqual([`${route.method} ${route.path} by ${name}`, 403, 'user_token_required']);
      }
    }
  });

  it('refuses every change that takes the current password when it is wrong (403), changing nothing', async () => {
    const p = await person(server);
    const { factorId } = await enrolApp(p.api, p.password);
    // the enrolment's notice leaves now, not during the snapshots
    await settle(server.gatehouse);
    const routes = (await meRoutes()).filter((r) => r.body?.properties?.current_password);
    expect(routes.map((r) => `${r.method} ${r.path}`).sort()).toEqual([
      'delete /v1/me/factors/{id}', 'post /v1/me/factors/passkeys/options', 'post /v1/me/factors/totp', 'post /v1/me/password', 'post /v1/me/recovery-codes',
    ]);
    for (const route of routes) {
      const before = snapshotSqlite(dbPath);
      const body = { current_password: 'not my password', ...(route.body?.properties.new_password ? { new_password: 'a long new passphrase' } : {}) };
      const res = await call(route.method, route.path.replace('{id}', factorId), { authorization: `Bearer ${p.token}` }, body);
      expect([route.path, res.status, res.body.code]).toEqual([route.path, 403, 'current_password_incorrect']);
      expect(snapshotSqlite(dbPath)).toEqual(before);
    }
  });

  it('takes current-password checks from the login budget: 429 past it', async () => {
    const limited = await startTestServer({ throttles: { failedAuthPerIp: { limit: 100, windowSeconds: 60 }, loginPerAccount: { limit: 3, windowSeconds: 900 }, loginPerIp: { limit: 50, windowSeconds: 900 } } });
    try {
      const p = await person(limited);
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push((await p.api('POST', '/me/password', { current_password: 'wrong password', new_password: 'a long new passphrase' })).status);
      // the sign-in that made the token took one attempt, forgotten once it succeeded
      expect(statuses).toEqual([403, 403, 403, 429]);
    } finally {
      await limited.stop();
    }
  });

  it('never reaches another person\'s factor (404), and never shows a secret, a code or a digest', async () => {
    const alice = await person(server);
    const bob = await person(server);
    const { factorId, secret, recoveryCodes } = await enrolApp(alice.api, alice.password);
    expect((await bob.api('DELETE', `/me/factors/${factorId}`, { current_password: bob.password })).status).toBe(404);
    expect((await bob.api('POST', `/me/factors/totp/${factorId}/confirm`, { code: '123456' })).status).toBe(400);
    expect((await alice.api('GET', '/me/factors')).body.data).toHaveLength(1);
    const shown = JSON.stringify([await alice.api('GET', '/me'), await alice.api('GET', '/me/factors')]);
    expect(shown).not.toContain(secret);
    for (const code of recoveryCodes) expect(shown).not.toContain(code);
    expect(shown).not.toMatch(/sealed|digest|v1\./);
  });

  it('refuses a token of a person since disabled (403 account_unavailable)', async () => {
    const p = await person(server);
    await server.gatehouse.identity.users.update(p.user.id, { disabled: true });
    expect((await p.api('GET', '/me')).body).toMatchObject({ status: 403, code: 'account_unavailable' });
  });
});
