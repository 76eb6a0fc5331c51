import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import * as oidc from 'openid-client';
import { startTestServer, type RunningGatehouse } from '../../support/harness.js';
import { authorize, clientConfig, FormAgent, loginAndExchange, openInteraction, REDIRECT_URI, seedOAuth } from '../../support/oauth.js';
import { OPERATOR } from '../../../src/audit/actor.js';

let server: RunningGatehouse;
beforeAll(async () => { server = await startTestServer(); });
afterAll(async () => { await server.stop(); });

async function verifyAccessToken(token: string, audience: string) {
  const jwks = createRemoteJWKSet(new URL(`${server.url}/jwks`));
  return jwtVerify(token, jwks, { issuer: server.url, audience, typ: 'at+jwt' });
}

describe('authorization code + PKCE', () => {
  it('publishes discovery at both well-known URLs with every endpoint', async () => {
    const oidcDoc = await (await fetch(`${server.url}/.well-known/openid-configuration`)).json() as Record<string, unknown>;
    const asDoc = await (await fetch(`${server.url}/.well-known/oauth-authorization-server`)).json();
    expect(asDoc).toEqual(oidcDoc);
    expect(oidcDoc).toMatchObject({
      issuer: server.url,
      authorization_endpoint: `${server.url}/auth`,
      token_endpoint: `${server.url}/token`,
      introspection_endpoint: `${server.url}/token/introspection`,
      revocation_endpoint: `${server.url}/token/revocation`,
      userinfo_endpoint: `${server.url}/me`,
      jwks_uri: `${server.url}/jwks`,
      end_session_endpoint: `${server.url}/session/end`,
      code_challenge_methods_supported: ['S256'],
    });
    expect(oidcDoc.grant_types_supported as string[]).toEqual(expect.arrayContaining(['authorization_code', 'refresh_token', 'client_credentials']));
  });

  it('signs a user in through the login and consent pages and issues an RFC 9068 JWT for the management API', async () => {
    const { client, clientSecret, email, password, org } = await seedOAuth(server.gatehouse);
    const config = await clientConfig(server.url, client.clientId, clientSecret);
    const agent = new FormAgent();
    const { tokens, pages } = await loginAndExchange(config, agent, server.url, { email, password },
      { scope: 'openid email profile users:read users:write api_keys:read' });
    expect(pages).toEqual(['login', 'consent']);
    expect(tokens.token_type.toLowerCase()).toBe('bearer');
    expect(tokens.id_token).toBeDefined();

    const { payload, protectedHeader } = await verifyAccessToken(tokens.access_token, `${server.url}/v1`);
    expect(protectedHeader.typ).toBe('at+jwt');
    expect(protectedHeader.kid).toBe(server.gatehouse.oauth.signingKeys.active()!.kid);
    expect(payload).toMatchObject({ client_id: client.clientId, org: org.id, iss: server.url, aud: `${server.url}/v1` });
    const scope = String(payload.scope).split(' ');
    expect(scope).toEqual(expect.arrayContaining(['users:read', 'users:write', 'api_keys:read', 'openid', 'email']));
    expect(scope).not.toContain('clients:write');
    expect((payload.exp as number) - (payload.iat as number)).toBe(server.gatehouse.config.oauth.accessTokenTtlSeconds);
  });

  it('grants only the permissions the user holds in the organization', async () => {
    const { client, clientSecret, email, password } = await seedOAuth(server.gatehouse, { roles: ['member'] });
    const config = await clientConfig(server.url, client.clientId, clientSecret);
    const { tokens } = await loginAndExchange(config, new FormAgent(), server.url, { email, password },
      { scope: 'openid users:read users:write' });
    const { payload } = await verifyAccessToken(tokens.access_token, `${server.url}/v1`);
    expect(String(payload.scope).split(' ').sort()).toEqual(['openid', 'users:read']);
  });

  it('uses a registered resource as the audience, limited to its vocabulary', async () => {
    const { client, clientSecret, email, password, org, user } = await seedOAuth(server.gatehouse);
    const api = 'https://invoices.example.com';
    await server.gatehouse.identity.resources.create(OPERATOR, org.id, { identifier: api, permissions: ['invoices:read', 'invoices:write'] });
    const role = await server.gatehouse.identity.roles.create(OPERATOR, org.id, { name: 'billing', permissions: ['invoices:read'] });
    await server.gatehouse.identity.members.update(OPERATOR, org.id, user.id, { roles: ['billing'] });
    expect(role.name).toBe('billing');
    const config = await clientConfig(server.url, client.clientId, clientSecret);
    const { tokens } = await loginAndExchange(config, new FormAgent(), server.url, { email, password },
      { scope: 'invoices:read invoices:write users:read', resource: api });
    const { payload } = await verifyAccessToken(tokens.access_token, api);
    expect(payload.aud).toBe(api);
    expect(payload.scope).toBe('invoices:read');
  });

  it('remembers consent: a second authorization with the same scopes shows no page', async () => {
    const { client, clientSecret, email, password } = await seedOAuth(server.gatehouse);
    const config = await clientConfig(server.url, client.clientId, clientSecret);
    const agent = new FormAgent();
    const first = await loginAndExchange(config, agent, server.url, { email, password }, { scope: 'openid users:read' });
    expect(first.pages).toEqual(['login', 'consent']);
    const second = await loginAndExchange(config, agent, server.url, { email, password }, { scope: 'openid users:read' });
    expect(second.pages).toEqual([]);
    // a new browser signs in again but is not asked to consent again
    const third = await loginAndExchange(config, new FormAgent(), server.url, { email, password }, { scope: 'openid users:read' });
    expect(third.pages).toEqual(['login']);
  });

  it('serves userinfo with the email and profile claims for the JWT access token', async () => {
    const { client, clientSecret, email, password, user } = await seedOAuth(server.gatehouse);
    const config = await clientConfig(server.url, client.clientId, clientSecret);
    const { tokens } = await loginAndExchange(config, new FormAgent(), server.url, { email, password });
    const claims = await oidc.fetchUserInfo(config, tokens.access_token, user.id);
    // the operator's accounts count as verified (SPEC §7)
    expect(claims).toMatchObject({ sub: user.id, email, email_verified: true, name: 'Ada Lovelace' });
    expect(tokens.claims()?.sub).toBe(user.id);
  });

  it('works for a public client with PKCE and no secret', async () => {
    const { org, email, password } = await seedOAuth(server.gatehouse);
    const { client } = await server.gatehouse.oauth.clients.create(OPERATOR, org.id, { name: 'SPA', redirect_uris: [REDIRECT_URI], public: true });
    const config = await clientConfig(server.url, client.clientId);
    const { tokens } = await loginAndExchange(config, new FormAgent(), server.url, { email, password });
    expect(decodeProtectedHeader(tokens.access_token).typ).toBe('at+jwt');
  });

  it('sends the user back with access_denied when consent is denied', async () => {
    const { client, clientSecret, email, password } = await seedOAuth(server.gatehouse);
    const config = await clientConfig(server.url, client.clientId, clientSecret);
    const verifier = oidc.randomPKCECodeVerifier();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT_URI, scope: 'openid', state: 's1',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
    });
    const { callback } = await authorize(new FormAgent(), server.url, url, { email, password }, { decision: 'deny' });
    expect(callback.searchParams.get('error')).toBe('access_denied');
    expect(callback.searchParams.get('state')).toBe('s1');
  });
});

describe('prompt=consent', () => {
  it('shows the consent page again and lists only scopes the user can be granted', async () => {
    const { client, clientSecret, email, password } = await seedOAuth(server.gatehouse, { roles: ['member'] });
    const config = await clientConfig(server.url, client.clientId, clientSecret);
    const agent = new FormAgent();
    await loginAndExchange(config, agent, server.url, { email, password }, { scope: 'openid users:read users:write' });
    const { html } = await openInteraction(agent, server.url, config, { scope: 'openid users:read users:write', prompt: 'consent' });
    expect(html).toContain('<code>users:read</code>');
    expect(html).not.toContain('users:write');
  });
});
