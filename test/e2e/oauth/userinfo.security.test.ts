import { decodeProtectedHeader, generateKeyPair, SignJWT } from 'jose';
import * as oidc from 'openid-client';
import { startTestServer, type RunningGatehouse } from '../../support/harness.js';
import { clientConfig, FormAgent, loginAndExchange, seedOAuth } from '../../support/oauth.js';
import { dpopKey, dpopUserTokens } from '../../support/dpop.js';
import { OPERATOR } from '../../../src/audit/actor.js';

let server: RunningGatehouse;
beforeAll(async () => { server = await startTestServer(); });
afterAll(async () => { await server.stop(); });

const me = (token: string, headers: Record<string, string> = {}) =>
  fetch(`${server.url}/me`, { headers: { authorization: `Bearer ${token}`, ...headers } });

async function userToken(scope = 'openid email profile') {
  const seeded = await seedOAuth(server.gatehouse, { client: { redirect_uris: ['https://app.example.com/cb', 'http://127.0.0.1:9/callback'] } });
  const config = await clientConfig(server.url, seeded.client.clientId, seeded.clientSecret);
  const { tokens } = await loginAndExchange(config, new FormAgent(), server.url, seeded, { scope });
  return { ...seeded, token: tokens.access_token };
}

describe('userinfo (/me) with JWT access tokens', () => {
  it('refuses a tampered token with 401 invalid_token', async () => {
    const { token } = await userToken();
    const [h, p, s] = token.split('.');
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString());
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...payload, sub: 'usr_someone_else' })).toString('base64url')}.${s}`;
    const res = await me(forged);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);
  });

  it('refuses a token signed by another key under our kid', async () => {
    const { token } = await userToken();
    const { kid } = decodeProtectedHeader(token);
    const payload = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
    const { privateKey } = await generateKeyPair('RS256');
    const forged = await new SignJWT(payload).setProtectedHeader({ alg: 'RS256', typ: 'at+jwt', kid }).sign(privateKey);
    expect((await me(forged)).status).toBe(401);
  });

  it('answers 403 insufficient_scope to a token without openid (client_credentials)', async () => {
    const { client, clientSecret } = await seedOAuth(server.gatehouse);
    const config = await clientConfig(server.url, client.clientId, clientSecret);
    const { access_token } = await oidc.clientCredentialsGrant(config, { scope: 'users:read' });
    const res = await me(access_token);
    expect(res.status).toBe(403);
    expect(res.headers.get('www-authenticate')).toMatch(/insufficient_scope/);
  });

  it('returns only the claims of the granted scopes', async () => {
    const { token, user } = await userToken('openid');
    expect(await (await me(token)).json()).toEqual({ sub: user.id });
  });

  it('stops answering for a user removed from the organization', async () => {
    const { token, org, user } = await userToken();
    await server.gatehouse.identity.members.remove(OPERATOR, org.id, user.id);
    expect((await me(token)).status).toBe(401);
  });

  it('allows CORS only from an origin of the client\'s redirect URIs', async () => {
    const { token } = await userToken();
    const ok = await me(token, { origin: 'https://app.example.com' });
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    const other = await me(token, { origin: 'https://evil.example.com' });
    expect(other.status).toBe(200);
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('refuses an access token minted for another API (audience), even with openid and a valid signature', async () => {
    const seeded = await seedOAuth(server.gatehouse, { client: { redirect_uris: ['http://127.0.0.1:9/callback'] } });
    await server.gatehouse.identity.resources.create(OPERATOR, seeded.org.id, { identifier: 'https://other-api.example', name: 'Other', permissions: ['things:read'] });
    const config = await clientConfig(server.url, seeded.client.clientId, seeded.clientSecret);
    const { tokens } = await loginAndExchange(config, new FormAgent(), server.url, seeded, { scope: 'openid email', resource: 'https://other-api.example' });
    const aud = JSON.parse(Buffer.from(tokens.access_token.split('.')[1], 'base64url').toString()).aud;
    expect(aud).toBe('https://other-api.example');
    const res = await me(tokens.access_token);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);
  });

  it('refuses a DPoP-bound token presented as bearer, or with a proof for another request', async () => {
    const seeded = await seedOAuth(server.gatehouse, { client: { redirect_uris: ['http://127.0.0.1:9/callback'] } });
    const config = await clientConfig(server.url, seeded.client.clientId, seeded.clientSecret);
    const key = await dpopKey();
    const DPoP = oidc.getDPoPHandle(config, key.keyPair);
    const tokens = await dpopUserTokens(config, server.url, seeded, DPoP);
    const asBearer = await me(tokens.access_token);
    expect(asBearer.status).toBe(401);
    expect(asBearer.headers.get('www-authenticate')).toMatch(/^DPoP error="invalid_token"/);
    const wrongMethod = await fetch(`${server.url}/me`, { headers: { authorization: `DPoP ${tokens.access_token}`, dpop: await key.proof({ htm: 'POST', htu: `${server.url}/me`, accessToken: tokens.access_token }) } });
    expect(wrongMethod.status).toBe(401);
    expect(await wrongMethod.json()).toMatchObject({ error: 'invalid_dpop_proof' });
    const good = await fetch(`${server.url}/me`, { headers: { authorization: `DPoP ${tokens.access_token}`, dpop: await key.proof({ htm: 'GET', htu: `${server.url}/me`, accessToken: tokens.access_token }) } });
    expect(good.status).toBe(200);
  });
});
