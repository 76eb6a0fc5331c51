import * as oidc from 'openid-client';
import { MANAGEMENT_PERMISSIONS } from '../../../src/domain/permissions.js';
import { startTestServer, type RunningGatehouse } from '../../support/harness.js';
import { authorize, clientConfig, FormAgent, REDIRECT_URI, seedOAuth } from '../../support/oauth.js';
import { mintKey } from '../../support/seed.js';

/*
 * RFC 9126 pushed authorization requests: oidc-provider serves them by default, so they are
 * documented, tested and, per client, enforceable (`require_pushed_authorization_requests`).
 */

let server: RunningGatehouse;
beforeAll(async () => { server = await startTestServer(); });
afterAll(() => server.stop());

const pkce = async () => {
  const verifier = oidc.randomPKCECodeVerifier();
  return { verifier, params: { code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' } };
};

/** A raw PAR call (openid-client throws on errors; here every answer is data). */
async function push(clientId: string, secret: string, params: Record<string, string>) {
  const res = await fetch(`${server.url}/request`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_id: clientId, redirect_uri: REDIRECT_URI, response_type: 'code', scope: 'openid', ...params }),
  });
  return { status: res.status, body: await res.json() as Record<string, string> };
}

describe('pushed authorization requests (RFC 9126)', () => {
  it('are advertised in discovery, not required by default', async () => {
    const meta = await (await fetch(`${server.url}/.well-known/openid-configuration`)).json() as Record<string, unknown>;
    expect(meta.pushed_authorization_request_endpoint).toBe(`${server.url}/request`);
    expect(meta.require_pushed_authorization_requests).toBeUndefined();
  });

  it('sign a person in through a pushed request: request_uri, login, consent, code, tokens', async () => {
    const seeded = await seedOAuth(server.gatehouse);
    const config = await clientConfig(server.url, seeded.client.clientId, seeded.clientSecret);
    const { verifier, params } = await pkce();
    const url = await oidc.buildAuthorizationUrlWithPAR(config, { redirect_uri: REDIRECT_URI, scope: 'openid email', state: 'st', ...params });
    expect([...url.searchParams.keys()].sort()).toEqual(['client_id', 'request_uri']);
    expect(url.searchParams.get('request_uri')).toMatch(/^urn:ietf:params:oauth:request_uri:/);
    const { callback } = await authorize(new FormAgent(), server.url, url, seeded);
    const tokens = await oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: 'st' });
    expect(tokens.claims()?.email).toBe(seeded.email);
  });

  it('need client authentication and PKCE S256 at the endpoint, as the authorization endpoint does', async () => {
    const seeded = await seedOAuth(server.gatehouse);
    expect((await push(seeded.client.clientId, 'wrong secret', (await pkce()).params)).status).toBe(401);
    const plain = await push(seeded.client.clientId, seeded.clientSecret!, { code_challenge: 'x'.repeat(43), code_challenge_method: 'plain' });
    expect(plain.status).toBe(400);
    expect((await push(seeded.client.clientId, seeded.clientSecret!, {})).status).toBe(400);
  });

  it('give a request_uri that works for the client that pushed it only, and once (consumed with the code)', async () => {
    const a = await seedOAuth(server.gatehouse);
    const b = await seedOAuth(server.gatehouse);
    const pushed = await push(a.client.clientId, a.clientSecret!, { state: 'st', ...(await pkce()).params });
    expect(pushed.status).toBe(201);
    expect(Number(pushed.body.expires_in)).toBeLessThanOrEqual(60);
    const authUrl = (clientId: string) => `${server.url}/auth?${new URLSearchParams({ client_id: clientId, request_uri: pushed.body.request_uri })}`;
    const stolen = await new FormAgent().request(authUrl(b.client.clientId));
    expect(stolen.headers.get('location') ?? '').not.toMatch(/\/interaction\//);
    const { callback } = await authorize(new FormAgent(), server.url, authUrl(a.client.clientId), a);
    expect(callback.searchParams.get('code')).toBeTruthy();
    const replay = await new FormAgent().request(authUrl(a.client.clientId));
    expect(replay.headers.get('location') ?? '').not.toMatch(/\/interaction\//);
    expect(new URL(replay.headers.get('location') ?? `${server.url}/`, server.url).searchParams.get('code')).toBeNull();
  });
});

describe('a client that requires pushed authorization requests', () => {
  it('refuses a plain authorization request (invalid_request) and accepts a pushed one', async () => {
    const seeded = await seedOAuth(server.gatehouse, { client: { require_pushed_authorization_requests: true } });
    expect(seeded.client.requirePushedAuthorizationRequests).toBe(true);
    const config = await clientConfig(server.url, seeded.client.clientId, seeded.clientSecret);
    const { params } = await pkce();
    const plain = oidc.buildAuthorizationUrl(config, { redirect_uri: REDIRECT_URI, scope: 'openid', state: 'st', ...params });
    const refused = await new FormAgent().request(plain.href);
    const location = new URL(refused.headers.get('location')!, server.url);
    expect(location.href.startsWith(REDIRECT_URI)).toBe(true);
    expect(location.searchParams.get('error')).toBe('invalid_request');
    expect(location.searchParams.get('error_description')).toMatch(/pushed authorization request/i);

    const pushed = await oidc.buildAuthorizationUrlWithPAR(config, { redirect_uri: REDIRECT_URI, scope: 'openid', state: 'st', ...params });
    const { callback } = await authorize(new FormAgent(), server.url, pushed, seeded);
    expect(callback.searchParams.get('code')).toBeTruthy();
  });

  it('is set and cleared through the API (require_pushed_authorization_requests), and lifting it is refused to a weaker caller', async () => {
    const org = await server.gatehouse.identity.organizations.create({ slug: 'par-api' });
    await server.gatehouse.identity.users.create({ email: 'par-owner@example.com', password: 'correct horse battery staple', organizationId: org.id, roles: ['admin'] });
    const admin = (await mintKey(server.gatehouse, org.id, MANAGEMENT_PERMISSIONS)).key;
    const call = (path: string, key: string, method: string, body?: object) => fetch(`${server.url}/v1/organizations/par-api${path}`, {
      method, headers: { 'content-type': 'application/json', 'X-API-Key': key }, body: body ? JSON.stringify(body) : undefined,
    });
    const created = await call('/clients', admin, 'POST', { name: 'strict', redirect_uris: [REDIRECT_URI], require_pushed_authorization_requests: true });
    const body = await created.json() as { client_id: string; require_pushed_authorization_requests: boolean };
    expect([created.status, body.require_pushed_authorization_requests]).toEqual([201, true]);
    const weaker = (await mintKey(server.gatehouse, org.id, ['clients:read', 'clients:write'])).key;
    expect((await call(`/clients/${body.client_id}`, weaker, 'PATCH', { require_pushed_authorization_requests: false })).status).toBe(403);
    const cleared = await call(`/clients/${body.client_id}`, admin, 'PATCH', { require_pushed_authorization_requests: false });
    expect(((await cleared.json()) as { require_pushed_authorization_requests: boolean }).require_pushed_authorization_requests).toBe(false);
    expect((await server.gatehouse.oauth.clients.findById(body.client_id))!.requirePushedAuthorizationRequests).toBe(false);
  });
});
