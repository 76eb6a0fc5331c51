import { createRemoteJWKSet, jwtVerify } from 'jose';
import * as oidc from 'openid-client';
import { OPERATOR } from '../../../src/audit/actor.js';
import { MANAGEMENT_PERMISSIONS } from '../../../src/domain/permissions.js';
import { startTestServer, type RunningGatehouse } from '../../support/harness.js';
import { clientConfig, FormAgent, loginAndExchange, PASSWORD, REDIRECT_URI } from '../../support/oauth.js';
import { mintKey } from '../../support/seed.js';
import { userAccessToken } from '../../support/tokens.js';

/*
 * Issue 10 "Done when", end to end with openid-client against a listening server: the operator
 * registers its API as a platform resource; two customer organizations each create roles and
 * keys with its permissions through the management API with their admins' tokens; a third-party
 * multi-organization app owned by a third organization signs in a member of each (once naming
 * the organization, once through the picker), each token acting for its organization with the
 * platform API's permissions the member holds there; each organization disconnects the app and
 * its refresh token then fails.
 */

const PLATFORM_API = 'https://api.pipelines.example';
const PIPELINES = ['pipelines:read', 'pipelines:run'];
let server: RunningGatehouse;
const ids: Record<string, string> = {};
const adminTokens: Record<string, string> = {};
let app: oidc.Configuration;

const api = (path: string, init: { method?: string; token: string; body?: unknown }) => fetch(`${server.url}${path}`, {
  method: init.method ?? 'GET',
  headers: { authorization: `Bearer ${init.token}`, 'content-type': 'application/json' },
  body: init.body === undefined ? undefined : JSON.stringify(init.body),
}).then(async (res) => ({ status: res.status, body: (res.status === 204 ? null : await res.json()) as any }));

async function claimsFor(accessToken: string, audience: string) {
  const jwks = createRemoteJWKSet(new URL(`${server.url}/jwks`));
  return (await jwtVerify(accessToken, jwks, { issuer: server.url, audience, typ: 'at+jwt' })).payload;
}

const ada = { email: 'ada@acme.example', password: PASSWORD };
const carol = { email: 'carol@beta.example', password: PASSWORD };
/** the app asks for the platform API's permissions, with a refresh token (OpenID Connect wants prompt=consent for it) */
const APP_REQUEST = { scope: 'openid email offline_access pipelines:read pipelines:run', resource: PLATFORM_API, prompt: 'consent' };

beforeAll(async () => {
  server = await startTestServer();
  const gh = server.gatehouse;
  // the operator's bootstrap credential (what `gatehouse keys create --server` prints)
  const serverKey = (await mintKey(gh, null, MANAGEMENT_PERMISSIONS, { name: 'bootstrap' })).key;
  const operator = (path: string, body: unknown) => api(path, { method: 'POST', token: serverKey, body });

  // 1. the operator registers its API as a platform resource, and creates its customers and the developer's organization
  const registered = await operator('/v1/resources', { identifier: PLATFORM_API, name: 'Pipelines API', permissions: PIPELINES });
  expect(registered.status).toBe(201);
  for (const slug of ['acme', 'beta', 'tools']) {
    const created = await operator('/v1/organizations', { slug, name: slug.toUpperCase() });
    expect(created.status).toBe(201);
    ids[slug] = created.body.id;
  }

  // people: each customer's admin; Ada in acme; Carol in beta and, as a plain member, in acme (so she picks)
  for (const slug of ['acme', 'beta']) {
    await gh.identity.users.create({ email: `admin@${slug}.example`, password: PASSWORD, organizationId: ids[slug], roles: ['admin'] });
    // each organization's own sign-in app (its console), as its admin would register it
    const consoleApp = await gh.oauth.clients.create(OPERATOR, ids[slug], { name: `${slug} console`, redirect_uris: [REDIRECT_URI] });
    ids[`${slug}Console`] = consoleApp.client.clientId;
    ids[`${slug}ConsoleSecret`] = consoleApp.client_secret!;
  }
  ids.ada = (await gh.identity.users.create({ email: ada.email, password: PASSWORD, organizationId: ids.acme, roles: [] })).user.id;
  ids.carol = (await gh.identity.users.create({ email: carol.email, password: PASSWORD, organizationId: ids.beta, roles: [] })).user.id;
  await gh.identity.members.add(ids.acme, ids.carol, ['member']);

  // the developer (tools) registers a multi-organization app through the API
  const developerKey = (await mintKey(gh, ids.tools, MANAGEMENT_PERMISSIONS)).key;
  const registeredApp = await api('/v1/organizations/tools/clients', {
    method: 'POST', token: developerKey, body: { name: 'Pipeline Insights', redirect_uris: [REDIRECT_URI], multi_organization: true },
  });
  expect(registeredApp.status).toBe(201);
  ids.app = registeredApp.body.client_id;
  app = await clientConfig(server.url, registeredApp.body.client_id, registeredApp.body.client_secret);
});
afterAll(async () => { await server.stop(); });

describe('one platform API, many customer organizations, one third-party app', () => {
  it("each customer's admin holds the platform API at once, and with her token creates roles and keys with its permissions", async () => {
    for (const slug of ['acme', 'beta']) {
      // the admin signs in to her organization's console; her management token carries what she may delegate
      const token = await userAccessToken(server.url, ids[`${slug}Console`], ids[`${slug}ConsoleSecret`],
        { email: `admin@${slug}.example`, password: PASSWORD }, ['roles:write', 'users:write', 'api_keys:write', 'clients:read', 'clients:write', 'users:read', ...PIPELINES]);
      const claims = await claimsFor(token, `${server.url}/v1`);
      expect(claims.org).toBe(ids[slug]);
      expect(String(claims.scope).split(' ')).toEqual(expect.arrayContaining(PIPELINES));
      adminTokens[slug] = token;

      const role = await api(`/v1/organizations/${slug}/roles`, { method: 'POST', token, body: { name: 'ci', permissions: PIPELINES } });
      expect([role.status, role.body.permissions]).toEqual([201, PIPELINES]);
      const key = await api(`/v1/organizations/${slug}/api-keys`, { method: 'POST', token, body: { name: 'build runner', permissions: ['pipelines:run'] } });
      expect([key.status, key.body.permissions]).toEqual([201, ['pipelines:run']]);
      const checked = await server.gatehouse.resourceServer.checkApiKey(key.body.key);
      expect(checked.ok && [checked.record.organizationId, checked.record.permissions]).toEqual([ids[slug], ['pipelines:run']]);
    }
    // each gives its member the role through the API
    const acmeRole = await api(`/v1/organizations/acme/users/${ids.ada}`, { method: 'PATCH', token: adminTokens.acme, body: { roles: ['ci'] } });
    expect([acmeRole.status, acmeRole.body.roles]).toEqual([200, ['ci']]);
    const betaRole = await api(`/v1/organizations/beta/users/${ids.carol}`, { method: 'PATCH', token: adminTokens.beta, body: { roles: ['ci'] } });
    expect([betaRole.status, betaRole.body.roles]).toEqual([200, ['ci']]);
  });

  const sessions: Record<string, oidc.TokenEndpointResponse> = {};

  it('signs in a member of acme naming the organization: the token is for the platform API, acting for acme, with its permissions', async () => {
    const { tokens, pages, html } = await loginAndExchange(app, new FormAgent(), server.url, ada, { ...APP_REQUEST, organization: 'acme' });
    expect(pages).toEqual(['login', 'consent']);
    expect(html[1]).toMatch(/<strong>Pipeline Insights<\/strong>, an application of TOOLS, asks to act for you in\s*<strong>ACME<\/strong>/);
    expect(html[1]).toContain('Run pipelines');
    const claims = await claimsFor(tokens.access_token, PLATFORM_API);
    expect(claims).toMatchObject({ aud: PLATFORM_API, org: ids.acme, sub: ids.ada, client_id: ids.app });
    expect(String(claims.scope).split(' ').sort()).toEqual(['email', 'openid', ...PIPELINES].sort());
    expect(tokens.refresh_token).toEqual(expect.any(String));
    sessions.acme = tokens;
  });

  it('signs in a member of two organizations through the picker: the token acts for the one she picks, with her roles there', async () => {
    const { tokens, pages, html } = await loginAndExchange(app, new FormAgent(), server.url, carol, APP_REQUEST, { organization: ids.beta });
    expect(pages).toEqual(['login', 'organization', 'consent']);
    expect(html[1]).toMatch(/ACME <span class="slug">acme<\/span>/);
    expect(html[1]).toMatch(/BETA <span class="slug">beta<\/span>/);
    const claims = await claimsFor(tokens.access_token, PLATFORM_API);
    expect(claims).toMatchObject({ aud: PLATFORM_API, org: ids.beta, sub: ids.carol });
    expect(String(claims.scope).split(' ')).toEqual(expect.arrayContaining(PIPELINES));
    sessions.beta = tokens;

    // in acme she is a plain member: the same app gets the platform API's read permission only
    const inAcme = await loginAndExchange(app, new FormAgent(), server.url, carol, APP_REQUEST, { organization: ids.acme });
    const acmeClaims = await claimsFor(inAcme.tokens.access_token, PLATFORM_API);
    expect(acmeClaims.org).toBe(ids.acme);
    expect(String(acmeClaims.scope).split(' ').filter((s) => s.includes(':'))).toEqual(['pipelines:read']);
  });

  it('a refresh keeps the organization, the audience and the scope', async () => {
    const refreshed = await oidc.refreshTokenGrant(app, sessions.acme.refresh_token!);
    const claims = await claimsFor(refreshed.access_token, PLATFORM_API);
    expect(claims).toMatchObject({ org: ids.acme, aud: PLATFORM_API });
    expect(String(claims.scope).split(' ')).toEqual(expect.arrayContaining(PIPELINES));
    sessions.acme = refreshed;
  });

  it('each organization disconnects the app with its admin\'s token; its refresh token then fails, the other\'s still works until it disconnects too', async () => {
    const refresh = (token: string) => oidc.refreshTokenGrant(app, token).then((t) => ({ ok: true as const, t }), (e: { error?: string }) => ({ ok: false as const, error: e.error }));
    const listed = await api('/v1/organizations/acme/connected-apps', { token: adminTokens.acme });
    // the app, owned by tools, beside acme's own console
    const insights = listed.body.data.find((a: { client_id: string }) => a.client_id === ids.app);
    expect(insights).toMatchObject({ owner_organization: { slug: 'tools' }, multi_organization: true });
    expect(insights.permissions).toEqual(expect.arrayContaining(PIPELINES));
    expect(insights.members.map((m: { email: string }) => m.email).sort()).toEqual([ada.email, carol.email]);

    expect((await api(`/v1/organizations/acme/connected-apps/${ids.app}`, { method: 'DELETE', token: adminTokens.acme })).status).toBe(204);
    expect(await refresh(sessions.acme.refresh_token!)).toEqual({ ok: false, error: 'invalid_grant' });
    const stillBeta = await refresh(sessions.beta.refresh_token!);
    expect(stillBeta.ok).toBe(true);

    expect((await api(`/v1/organizations/beta/connected-apps/${ids.app}`, { method: 'DELETE', token: adminTokens.beta })).status).toBe(204);
    const rotated = (stillBeta as { t: oidc.TokenEndpointResponse }).t.refresh_token!;
    expect(await refresh(rotated)).toEqual({ ok: false, error: 'invalid_grant' });
  });
});
