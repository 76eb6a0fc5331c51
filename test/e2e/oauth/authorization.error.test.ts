import * as oidc from 'openid-client';
import { startTestServer, type RunningGatehouse } from '../../support/harness.js';
import {
  authorize, clientConfig, FormAgent, loginAndExchange, openInteraction, REDIRECT_URI, seedOAuth, seedOutsider, submitLoginForm,
} from '../../support/oauth.js';
import { OPERATOR } from '../../../src/audit/actor.js';

let server: RunningGatehouse;
beforeAll(async () => {
  server = await startTestServer({ throttles: {
    failedAuthPerIp: { limit: 100, windowSeconds: 60 },
    loginPerAccount: { limit: 3, windowSeconds: 900 },
    loginPerIp: { limit: 1000, windowSeconds: 900 },
  } });
});
afterAll(async () => { await server.stop(); });

/** A raw token request: every outcome is data (openid-client turns 401s into challenge errors). */
async function tokenRequest(form: Record<string, string>, basic?: [string, string]) {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (basic) headers.authorization = `Basic ${Buffer.from(`${basic[0]}:${basic[1]}`).toString('base64')}`;
  const res = await fetch(`${server.url}/token`, { method: 'POST', headers, body: new URLSearchParams(form) });
  return { status: res.status, headers: res.headers, body: await res.json() as Record<string, string> };
}

async function authRequest(params: Record<string, string>) {
  const res = await fetch(`${server.url}/auth?${new URLSearchParams(params)}`, { redirect: 'manual' });
  return { status: res.status, location: res.headers.get('location'), type: res.headers.get('content-type'), html: await res.text() };
}

const challenge = () => oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier());

describe('authorization request errors', () => {
  it('shows an error page and never redirects to an unregistered redirect_uri', async () => {
    const { client } = await seedOAuth(server.gatehouse);
    const res = await authRequest({
      client_id: client.clientId, response_type: 'code', scope: 'openid', redirect_uri: 'https://evil.example/cb',
      code_challenge: await challenge(), code_challenge_method: 'S256',
    });
    expect(res.status).toBe(400);
    expect(res.location).toBeNull();
    expect(res.type).toMatch(/text\/html/);
    expect(res.html).toContain('role="alert"');
    expect(res.html).toContain('redirect_uri');
  });

  it('shows an error page for an unknown client', async () => {
    const res = await authRequest({ client_id: 'client_nope', response_type: 'code', scope: 'openid', redirect_uri: REDIRECT_URI });
    expect(res.status).toBe(400);
    expect(res.location).toBeNull();
  });

  it.each([
    ['without PKCE', {}, /PKCE/],
    ['with plain PKCE', { code_challenge: 'a'.repeat(43), code_challenge_method: 'plain' }, /code_challenge_method/],
  ])('refuses an authorization request %s (invalid_request back to the client)', async (_label, pkce, description) => {
    const { client } = await seedOAuth(server.gatehouse);
    const res = await authRequest({ client_id: client.clientId, response_type: 'code', scope: 'openid', redirect_uri: REDIRECT_URI, state: 'x', ...pkce });
    expect(res.status).toBe(303);
    const location = new URL(res.location!);
    expect(location.searchParams.get('error')).toBe('invalid_request');
    expect(location.searchParams.get('error_description')).toMatch(description);
  });

  it('refuses an unknown resource and another organization\'s resource with invalid_target', async () => {
    const { client } = await seedOAuth(server.gatehouse);
    const other = await seedOAuth(server.gatehouse);
    const foreign = `https://foreign-${other.org.slug}.example.com`;
    await server.gatehouse.identity.resources.create(OPERATOR, other.org.id, { identifier: foreign, permissions: ['things:read'] });
    for (const resource of ['https://unknown.example.com', foreign]) {
      const res = await authRequest({
        client_id: client.clientId, response_type: 'code', scope: 'openid', redirect_uri: REDIRECT_URI, resource,
        code_challenge: await challenge(), code_challenge_method: 'S256',
      });
      expect(new URL(res.location!).searchParams.get('error')).toBe('invalid_target');
    }
  });
});

describe('login page errors', () => {
  it('answers a wrong password and an unknown email with the same page and a generic message', async () => {
    const seeded = await seedOAuth(server.gatehouse);
    const config = await clientConfig(server.url, seeded.client.clientId, seeded.clientSecret);
    const agent = new FormAgent();
    const { html } = await openInteraction(agent, server.url, config);
    const wrong = await submitLoginForm(agent, server.url, html, { email: seeded.email, password: 'not the password' });
    const unknown = await submitLoginForm(agent, server.url, html, { email: 'nobody@example.com', password: 'not the password' });
    expect(wrong.status).toBe(200);
    expect(unknown.status).toBe(200);
    for (const page of [wrong.html, unknown.html]) expect(page).toMatch(/role="alert">Incorrect email or password\.</);
    const strip = (page: string, email: string) => page.replace(email, 'EMAIL').replace(/nonce-[^']+'|nonce="[^"]+"/g, '');
    expect(strip(wrong.html, seeded.email)).toBe(strip(unknown.html, 'nobody@example.com'));
  });

  it('throttles attempts per account: over the limit the page says to try later, with 429, even with the right password', async () => {
    const seeded = await seedOAuth(server.gatehouse);
    const config = await clientConfig(server.url, seeded.client.clientId, seeded.clientSecret);
    const agent = new FormAgent();
    const { html } = await openInteraction(agent, server.url, config);
    for (let i = 0; i < 3; i++) {
      expect((await submitLoginForm(agent, server.url, html, { email: seeded.email, password: 'wrong-password' })).status).toBe(200);
    }
    const blocked = await submitLoginForm(agent, server.url, html, { email: seeded.email, password: seeded.password });
    expect(blocked.status).toBe(429);
    expect(blocked.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(blocked.html).toMatch(/role="alert">Too many sign-in attempts\. Try again in \d+ minute/);
  });

  it('refuses a user who is not a member of the client\'s organization', async () => {
    const seeded = await seedOAuth(server.gatehouse);
    const outsider = await seedOutsider(server.gatehouse);
    const config = await clientConfig(server.url, seeded.client.clientId, seeded.clientSecret);
    const agent = new FormAgent();
    const { html } = await openInteraction(agent, server.url, config);
    const res = await submitLoginForm(agent, server.url, html, { email: outsider.email, password: seeded.password });
    expect(res.status).toBe(403);
    expect(res.html).toMatch(/role="alert">This account does not belong to the organization/);
  });

  it('answers an interaction without its cookie with an expired page', async () => {
    const seeded = await seedOAuth(server.gatehouse);
    const config = await clientConfig(server.url, seeded.client.clientId, seeded.clientSecret);
    const { url } = await openInteraction(new FormAgent(), server.url, config);
    const res = await fetch(url);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('Sign-in expired');
  });
});

describe('token endpoint errors', () => {
  it('answers a wrong client secret with 401 invalid_client', async () => {
    const { client } = await seedOAuth(server.gatehouse);
    const res = await tokenRequest({ grant_type: 'client_credentials', scope: 'users:read' }, [client.clientId, 'not-the-secret']);
    expect(res).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
    expect(res.headers.get('www-authenticate')).toMatch(/^Basic/);
  });

  it('refuses client_credentials to a public client', async () => {
    const { org } = await seedOAuth(server.gatehouse);
    const { client } = await server.gatehouse.oauth.clients.create(OPERATOR, org.id, { name: 'SPA', redirect_uris: [REDIRECT_URI], public: true });
    const res = await tokenRequest({ grant_type: 'client_credentials', client_id: client.clientId });
    expect(res.status).toBe(400);
    // oidc-provider's wording of RFC 6749's unauthorized_client
    expect(res.body).toEqual({ error: 'invalid_request', error_description: 'requested grant type is not allowed for this client' });
  });

  it('answers a wrong code_verifier with invalid_grant', async () => {
    const seeded = await seedOAuth(server.gatehouse);
    const config = await clientConfig(server.url, seeded.client.clientId, seeded.clientSecret);
    const verifier = oidc.randomPKCECodeVerifier();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT_URI, scope: 'openid', state: 's', code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
    });
    const { callback } = await authorize(new FormAgent(), server.url, url, seeded);
    await expect(oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: oidc.randomPKCECodeVerifier(), expectedState: 's' }))
      .rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('stops a deleted client at once', async () => {
    const seeded = await seedOAuth(server.gatehouse);
    const config = await clientConfig(server.url, seeded.client.clientId, seeded.clientSecret);
    await loginAndExchange(config, new FormAgent(), server.url, seeded);
    await server.gatehouse.oauth.clients.delete(OPERATOR, seeded.org.id, seeded.client.clientId);
    const res = await tokenRequest({ grant_type: 'client_credentials' }, [seeded.client.clientId, seeded.clientSecret!]);
    expect(res).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
  });

  it('stops the old secret at once after a rotation, and accepts the new one', async () => {
    const seeded = await seedOAuth(server.gatehouse);
    const old = await clientConfig(server.url, seeded.client.clientId, seeded.clientSecret);
    await oidc.clientCredentialsGrant(old, { scope: 'users:read' });
    const { client_secret } = await server.gatehouse.oauth.clients.rotateSecret(OPERATOR, seeded.org.id, seeded.client.clientId);
    const res = await tokenRequest({ grant_type: 'client_credentials' }, [seeded.client.clientId, seeded.clientSecret!]);
    expect(res).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
    const fresh = await clientConfig(server.url, seeded.client.clientId, client_secret);
    expect((await oidc.clientCredentialsGrant(fresh, { scope: 'users:read' })).access_token).toBeDefined();
  });
});

describe('login throttling per IP', () => {
  let strict: RunningGatehouse;
  beforeAll(async () => {
    strict = await startTestServer({ throttles: {
      failedAuthPerIp: { limit: 100, windowSeconds: 60 },
      loginPerAccount: { limit: 100, windowSeconds: 900 },
      loginPerIp: { limit: 2, windowSeconds: 900 },
    } });
  });
  afterAll(async () => { await strict.stop(); });

  it('refuses a third attempt from one address whatever the account, with 429, and counts it', async () => {
    const seeded = await seedOAuth(strict.gatehouse);
    const config = await clientConfig(strict.url, seeded.client.clientId, seeded.clientSecret);
    const agent = new FormAgent();
    const { html } = await openInteraction(agent, strict.url, config);
    expect((await submitLoginForm(agent, strict.url, html, { email: 'a@example.com', password: 'wrong-password' })).status).toBe(200);
    expect((await submitLoginForm(agent, strict.url, html, { email: 'b@example.com', password: 'wrong-password' })).status).toBe(200);
    const third = await submitLoginForm(agent, strict.url, html, { email: seeded.email, password: seeded.password });
    expect(third.status).toBe(429);
    const metrics = await strict.gatehouse.metrics.registry.getSingleMetricAsString('gatehouse_authentications_total');
    expect(metrics).toMatch(/kind="password",outcome="failed"} 2/);
    expect(metrics).toMatch(/kind="password",outcome="throttled"} 1/);
  });
});
