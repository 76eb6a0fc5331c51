import { createRemoteJWKSet, jwtVerify } from 'jose';
import * as oidc from 'openid-client';
import { startTestServer, type RunningGatehouse } from '../../support/harness.js';
import { clientConfig, FormAgent, loginAndExchange, REDIRECT_URI, seedOAuth } from '../../support/oauth.js';
import { OPERATOR } from '../../../src/audit/actor.js';

let server: RunningGatehouse;
beforeAll(async () => { server = await startTestServer(); });
afterAll(async () => { await server.stop(); });

const OFFLINE = { scope: 'openid offline_access users:read', prompt: 'consent' };

describe('client_credentials', () => {
  it('issues a JWT whose scope is requested ∩ the client\'s permissions ∩ the resource vocabulary', async () => {
    const { client, clientSecret, org } = await seedOAuth(server.gatehouse, { client: { permissions: ['users:read', 'clients:read'] } });
    const config = await clientConfig(server.url, client.clientId, clientSecret);
    const tokens = await oidc.clientCredentialsGrant(config, { scope: 'users:read users:write clients:read' });
    const { payload } = await jwtVerify(tokens.access_token, createRemoteJWKSet(new URL(`${server.url}/jwks`)),
      { issuer: server.url, audience: `${server.url}/v1`, typ: 'at+jwt' });
    expect(String(payload.scope).split(' ').sort()).toEqual(['clients:read', 'users:read']);
    expect(payload).toMatchObject({ sub: client.clientId, client_id: client.clientId, org: org.id });
    expect(tokens.refresh_token).toBeUndefined();
  });

  it('targets a registered resource of the client\'s organization', async () => {
    const { client, clientSecret, org } = await seedOAuth(server.gatehouse);
    const api = `https://reports-${org.slug}.example.com`;
    await server.gatehouse.identity.resources.create(OPERATOR, org.id, { identifier: api, permissions: ['reports:read', 'reports:write'] });
    await server.gatehouse.oauth.clients.update(OPERATOR, org.id, client.clientId, { permissions: ['reports:read'] });
    const config = await clientConfig(server.url, client.clientId, clientSecret);
    const tokens = await oidc.clientCredentialsGrant(config, { scope: 'reports:read reports:write', resource: api });
    const { payload } = await jwtVerify(tokens.access_token, createRemoteJWKSet(new URL(`${server.url}/jwks`)), { audience: api, typ: 'at+jwt' });
    expect(payload.scope).toBe('reports:read');
  });
});

describe('introspection and revocation', () => {
  it('introspects a refresh token (RFC 7662) and reports it inactive after revocation (RFC 7009)', async () => {
    const seeded = await seedOAuth(server.gatehouse);
    const config = await clientConfig(server.url, seeded.client.clientId, seeded.clientSecret);
    const { tokens } = await loginAndExchange(config, new FormAgent(), server.url, seeded, OFFLINE);
    const active = await oidc.tokenIntrospection(config, tokens.refresh_token!);
    expect(active).toMatchObject({ active: true, client_id: seeded.client.clientId, sub: seeded.user.id });
    await oidc.tokenRevocation(config, tokens.refresh_token!);
    const after = await oidc.tokenIntrospection(config, tokens.refresh_token!);
    expect(after.active).toBe(false);
    await expect(oidc.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('lets a confidential client of the same organization introspect, but answers inactive to another organization\'s client', async () => {
    const seeded = await seedOAuth(server.gatehouse);
    const config = await clientConfig(server.url, seeded.client.clientId, seeded.clientSecret);
    const { tokens } = await loginAndExchange(config, new FormAgent(), server.url, seeded, OFFLINE);
    const sibling = await server.gatehouse.oauth.clients.create(OPERATOR, seeded.org.id, { name: 'API', grant_types: ['client_credentials'] });
    const siblingConfig = await clientConfig(server.url, sibling.client.clientId, sibling.client_secret);
    expect((await oidc.tokenIntrospection(siblingConfig, tokens.refresh_token!)).active).toBe(true);
    const stranger = await seedOAuth(server.gatehouse);
    const strangerConfig = await clientConfig(server.url, stranger.client.clientId, stranger.clientSecret);
    expect((await oidc.tokenIntrospection(strangerConfig, tokens.refresh_token!)).active).toBe(false);
  });
});

describe('RP-initiated logout', () => {
  it('shows a confirmation page, ends the session and returns to the registered post_logout_redirect_uri', async () => {
    const postLogout = 'http://127.0.0.1:9/signed-out';
    const seeded = await seedOAuth(server.gatehouse, { client: { post_logout_redirect_uris: [postLogout] } });
    const config = await clientConfig(server.url, seeded.client.clientId, seeded.clientSecret);
    const agent = new FormAgent();
    const { tokens } = await loginAndExchange(config, agent, server.url, seeded);
    const url = oidc.buildEndSessionUrl(config, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: postLogout, state: 'bye' });
    const confirm = await agent.request(url.href);
    expect(confirm.status).toBe(200);
    const page = await confirm.text();
    expect(page).toContain('Sign out?');
    const action = /<form[^>]*action="([^"]+)"/.exec(page)![1];
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(page)![1];
    const done = await agent.request(new URL(action, server.url).href, { form: { xsrf, logout: 'yes' } });
    expect(done.status).toBe(303);
    const back = new URL(done.headers.get('location')!);
    expect(`${back.origin}${back.pathname}`).toBe(postLogout);
    expect(back.searchParams.get('state')).toBe('bye');
    // the session is gone: a new authorization asks for the password again
    const verifier = oidc.randomPKCECodeVerifier();
    const again = await agent.request(oidc.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT_URI, scope: 'openid', code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
    }).href);
    const interaction = await agent.request(new URL(again.headers.get('location')!, server.url).href);
    expect(await interaction.text()).toContain('name="password"');
  });
});
