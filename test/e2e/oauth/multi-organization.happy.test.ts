import { OPERATOR } from '../../../src/audit/actor.js';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import * as oidc from 'openid-client';
import request from 'supertest';
import { mintKey } from '../../support/seed.js';
import { startTestServer, type RunningGatehouse } from '../../support/harness.js';
import { clientConfig, FormAgent, loginAndExchange, PASSWORD, REDIRECT_URI } from '../../support/oauth.js';

/**
 * SPEC §3 "Apps for every organization", end to end with openid-client against a listening
 * server: a third-party app registered by one organization (tools) signs in a person who belongs
 * to two customer organizations (acme, beta): once naming the organization, once through the
 * picker. Each token acts for its organization only; each organization then disconnects the app.
 */
let server: RunningGatehouse;
const ids: Record<string, string> = {};
let config: oidc.Configuration;
let adminKeys: Record<string, string>;

const SCOPE = 'openid email offline_access users:read users:write';
// OpenID Connect issues refresh tokens for offline_access only with prompt=consent
const OFFLINE = { scope: SCOPE, prompt: 'consent' };

beforeAll(async () => {
  server = await startTestServer();
  const gh = server.gatehouse;
  const [tools, acme, beta] = await Promise.all(['tools', 'acme', 'beta'].map((slug) => gh.identity.organizations.create({ slug, name: slug.toUpperCase() })));
  Object.assign(ids, { tools: tools.id, acme: acme.id, beta: beta.id });
  // Ada administers acme and is a plain member of beta; she is not in tools at all
  const { user } = await gh.identity.users.create({ email: 'ada@example.com', password: PASSWORD, organizationId: acme.id, roles: ['admin'] });
  await gh.identity.members.add(beta.id, user.id, ['member']);
  ids.ada = user.id;
  await gh.identity.users.create({ email: 'dev@tools.test', password: PASSWORD, organizationId: tools.id, roles: ['admin'] });
  const { client, client_secret } = await gh.oauth.clients.create(OPERATOR, tools.id, {
    name: 'Insights', redirect_uris: [REDIRECT_URI], multi_organization: true,
  });
  ids.client = client.clientId;
  config = await clientConfig(server.url, client.clientId, client_secret);
  adminKeys = {
    acme: (await mintKey(gh, acme.id)).key,
    beta: (await mintKey(gh, beta.id)).key,
  };
});
afterAll(async () => { await server.stop(); });

const api = () => request(server.url);
const ada = { email: 'ada@example.com', password: PASSWORD };

async function claims(accessToken: string) {
  const jwks = createRemoteJWKSet(new URL(`${server.url}/jwks`));
  return (await jwtVerify(accessToken, jwks, { issuer: server.url, audience: `${server.url}/v1` })).payload;
}

async function refresh(token: string) {
  return oidc.refreshTokenGrant(config, token).then((t) => ({ ok: true as const, tokens: t }), (e: { error?: string }) => ({ ok: false as const, error: e.error }));
}

describe('a multi-organization app owned by another organization', () => {
  let acmeTokens: oidc.TokenEndpointResponse;
  let disconnectedRefresh: string;
  let betaTokens: oidc.TokenEndpointResponse;

  it('signs a member in for the organization the request names, with that organization in `org` and her roles there as scope', async () => {
    const { tokens, pages, html } = await loginAndExchange(config, new FormAgent(), server.url, ada, { ...OFFLINE, organization: 'acme' });
    expect(pages).toEqual(['login', 'consent']);
    expect(html[1]).toMatch(/<strong>Insights<\/strong>, an application of TOOLS, asks to act for you in\s*<strong>ACME<\/strong>/);
    const payload = await claims(tokens.access_token);
    expect(payload).toMatchObject({ org: ids.acme, sub: ids.ada, client_id: ids.client });
    expect(String(payload.scope).split(' ')).toEqual(expect.arrayContaining(['users:read', 'users:write']));
    acmeTokens = tokens;
  });

  it('lets a member of several organizations pick one on a page, and narrows scope to her roles there', async () => {
    const { tokens, pages, html } = await loginAndExchange(config, new FormAgent(), server.url, ada, OFFLINE, { organization: ids.beta });
    expect(pages).toEqual(['login', 'organization', 'consent']);
    expect(html[1]).toContain('<label for="org-0">');
    expect(html[1]).toMatch(/ACME <span class="slug">acme<\/span>/);
    expect(html[1]).toMatch(/BETA <span class="slug">beta<\/span>/);
    expect(html[2]).toMatch(/asks to act for you in\s*<strong>BETA<\/strong>/);
    const payload = await claims(tokens.access_token);
    expect(payload.org).toBe(ids.beta);
    const scope = String(payload.scope).split(' ');
    expect(scope).toContain('users:read');
    expect(scope).not.toContain('users:write');
    betaTokens = tokens;
  });

  it('remembers consent per organization: acme again shows no consent page', async () => {
    const agent = new FormAgent();
    const again = await loginAndExchange(config, agent, server.url, ada, { scope: 'openid email users:read', organization: 'acme' });
    expect(again.pages).toEqual(['login']);
    expect((await claims(again.tokens.access_token)).org).toBe(ids.acme);
  });

  it('each token acts in its own organization only (the management API reads `org` into the principal)', async () => {
    const bearer = (t: oidc.TokenEndpointResponse) => ({ authorization: `Bearer ${t.access_token}` });
    expect((await api().get('/v1/organizations/acme/users').set(bearer(acmeTokens))).status).toBe(200);
    expect((await api().get('/v1/organizations/beta/users').set(bearer(acmeTokens))).status).toBe(404);
    expect((await api().get('/v1/organizations/beta/users').set(bearer(betaTokens))).status).toBe(200);
    expect((await api().get('/v1/organizations/acme/users').set(bearer(betaTokens))).status).toBe(404);
    expect((await api().get('/v1/organizations/tools/users').set(bearer(betaTokens))).status).toBe(404);
  });

  it('lists the app among each organization\'s connected apps, with its owner, the member and what she granted', async () => {
    const res = await api().get('/v1/organizations/acme/connected-apps').set('authorization', `Bearer ${adminKeys.acme}`);
    expect(res.status).toBe(200);
    expect(res.body.data).toHaveLength(1);
    expect(res.body.data[0]).toMatchObject({
      object: 'connected_app', client_id: ids.client, name: 'Insights', multi_organization: true,
      owner_organization: { id: ids.tools, slug: 'tools', name: 'TOOLS' },
      members: [{ user_id: ids.ada, email: 'ada@example.com' }], members_truncated: false,
    });
    expect(res.body.data[0].permissions.sort()).toEqual(['users:read', 'users:write']);
    const beta = await api().get('/v1/organizations/beta/connected-apps').set('authorization', `Bearer ${adminKeys.beta}`);
    expect(beta.body.data[0].permissions).toEqual(['users:read']);
  });

  it('acme disconnects the app: its refresh token fails, beta\'s keeps working; then beta disconnects too', async () => {
    const acmeRefresh = acmeTokens.refresh_token!;
    const betaRefresh = betaTokens.refresh_token!;
    const second = await loginAndExchange(config, new FormAgent(), server.url, ada, { ...OFFLINE, organization: 'acme' });
    const del = await api().delete(`/v1/organizations/acme/connected-apps/${ids.client}`).set('authorization', `Bearer ${adminKeys.acme}`);
    expect(del.status).toBe(204);
    expect(await refresh(acmeRefresh)).toEqual({ ok: false, error: 'invalid_grant' });
    disconnectedRefresh = acmeRefresh;
    expect(await refresh(second.tokens.refresh_token!)).toEqual({ ok: false, error: 'invalid_grant' });
    const stillBeta = await refresh(betaRefresh);
    expect(stillBeta.ok).toBe(true);
    expect((await api().get('/v1/organizations/acme/connected-apps').set('authorization', `Bearer ${adminKeys.acme}`)).body.data).toEqual([]);

    const delBeta = await api().delete(`/v1/organizations/beta/connected-apps/${ids.client}`).set('authorization', `Bearer ${adminKeys.beta}`);
    expect(delBeta.status).toBe(204);
    const rotated = (stillBeta as { tokens: oidc.TokenEndpointResponse }).tokens.refresh_token!;
    expect(await refresh(rotated)).toEqual({ ok: false, error: 'invalid_grant' });
  });

  it('asks for consent again after a disconnect, and the new authorization works', async () => {
    const { tokens, pages } = await loginAndExchange(config, new FormAgent(), server.url, ada, { scope: 'openid users:read', organization: 'acme' });
    expect(pages).toEqual(['login', 'consent']);
    const fresh = await loginAndExchange(config, new FormAgent(), server.url, ada, { ...OFFLINE, organization: 'acme' });
    expect(tokens.access_token).toBeDefined();
    expect((await refresh(fresh.tokens.refresh_token!)).ok).toBe(true);
    expect(await refresh(disconnectedRefresh)).toEqual({ ok: false, error: 'invalid_grant' });
  });

  it('audits the first consent in an organization as app.connected, by the member', async () => {
    const events = (await server.gatehouse.store.audit.list(ids.acme, { limit: 50 })).items.filter((e) => e.action === 'app.connected');
    // the first consent, and the one after the disconnect
    expect(events).toHaveLength(2);
    expect(events[0]).toMatchObject({ actor: { type: 'user', id: ids.ada }, target: { type: 'client', id: ids.client } });
    // the app's owner organization is not the one connected
    expect((await server.gatehouse.store.audit.list(ids.tools, { limit: 50 })).items.filter((e) => e.action.startsWith('app.'))).toEqual([]);
  });
});
