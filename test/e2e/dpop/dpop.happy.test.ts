import * as oidc from 'openid-client';
import { startTestServer, type RunningGatehouse } from '../../support/harness.js';
import { clientConfig, FormAgent, loginAndExchange, seedOAuth } from '../../support/oauth.js';
import { dpopUserTokens, jktOf } from '../../support/dpop.js';

/**
 * DPoP (RFC 9449) end to end with openid-client 6 as the client: tokens bound at the token
 * endpoint, then used with proofs at the management API (the in-process middleware) and at
 * userinfo, with and without server nonces.
 */
describe.each([
  ['without server nonces', false],
  ['with server nonces required', true],
])('DPoP with openid-client, %s', (_label, requireNonce) => {
  let gh: RunningGatehouse;
  let seeded: Awaited<ReturnType<typeof seedOAuth>>;
  let config: oidc.Configuration;

  beforeAll(async () => {
    gh = await startTestServer({ oauth: { dpop: { requireNonce } } });
    seeded = await seedOAuth(gh.gatehouse);
    config = await clientConfig(gh.url, seeded.client.clientId, seeded.clientSecret);
  });
  afterAll(async () => { await gh.stop(); });

  it('binds a client_credentials token to the key and lets the management API accept it with proofs, request after request', async () => {
    const DPoP = oidc.getDPoPHandle(config, await oidc.randomDPoPKeyPair());
    const tokens = await oidc.clientCredentialsGrant(config, { scope: 'users:read' }, { DPoP });
    expect(tokens.token_type).toBe('dpop');
    expect(jktOf(tokens.access_token)).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const url = new URL(`${gh.url}/v1/organizations/${seeded.org.id}/users`);
    for (let i = 0; i < 3; i++) {
      const res = await oidc.fetchProtectedResource(config, tokens.access_token, url, 'GET', undefined, undefined, { DPoP });
      expect(res.status).toBe(200);
      expect(res.headers.get('ratelimit-limit')).toBeTruthy();
      if (requireNonce) expect(res.headers.get('dpop-nonce')).toBeTruthy();
    }
  });

  it('answers userinfo for a DPoP-bound user token presented with a proof', async () => {
    const DPoP = oidc.getDPoPHandle(config, await oidc.randomDPoPKeyPair());
    const tokens = await dpopUserTokens(config, gh.url, seeded, DPoP, 'openid email');
    expect(tokens.token_type).toBe('dpop');
    const claims = await oidc.fetchUserInfo(config, tokens.access_token, tokens.claims()!.sub, { DPoP });
    expect(claims).toMatchObject({ sub: seeded.user.id, email: seeded.email });
  });

  it('still serves plain bearer tokens to clients that do not use DPoP', async () => {
    const tokens = await oidc.clientCredentialsGrant(config, { scope: 'users:read' });
    expect(tokens.token_type).toBe('bearer');
    const res = await fetch(`${gh.url}/v1/organizations/${seeded.org.id}/users`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(res.status).toBe(200);
    const { tokens: userTokens } = await loginAndExchange(config, new FormAgent(), gh.url, seeded);
    expect((await fetch(`${gh.url}/me`, { headers: { authorization: `Bearer ${userTokens.access_token}` } })).status).toBe(200);
  });
});
