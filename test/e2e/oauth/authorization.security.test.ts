import * as oidc from 'openid-client';
import { openStore } from '../../../src/store/open.js';
import { startTestServer, type RunningGatehouse } from '../../support/harness.js';
import {
  authorize, clientConfig, FormAgent, formOf, loginAndExchange, openInteraction, REDIRECT_URI, seedOAuth, submitLoginForm, withSlowOidcReads,
} from '../../support/oauth.js';
import { OPERATOR } from '../../../src/audit/actor.js';

let server: RunningGatehouse;
beforeAll(async () => { server = await startTestServer(); });
afterAll(async () => { await server.stop(); });

async function codeFor(issuer: string, seeded: Awaited<ReturnType<typeof seedOAuth>>, scope = 'openid offline_access users:read') {
  const config = await clientConfig(issuer, seeded.client.clientId, seeded.clientSecret);
  const verifier = oidc.randomPKCECodeVerifier();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT_URI, scope, prompt: 'consent', code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
  });
  const { callback } = await authorize(new FormAgent(), issuer, url, seeded);
  return { code: callback.searchParams.get('code')!, verifier, config };
}

function redeem(issuer: string, clientId: string, secret: string, code: string, verifier: string) {
  return fetch(`${issuer}/token`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: REDIRECT_URI }),
  }).then(async (res) => ({ status: res.status, headers: res.headers, body: await res.json() as Record<string, string> }));
}

describe('authorization codes', () => {
  it('answers token responses with Cache-Control: no-store', async () => {
    const seeded = await seedOAuth(server.gatehouse);
    const { code, verifier } = await codeFor(server.url, seeded);
    const res = await redeem(server.url, seeded.client.clientId, seeded.clientSecret!, code, verifier);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('refuses a reused code with invalid_grant and revokes the tokens of the first exchange', async () => {
    const seeded = await seedOAuth(server.gatehouse);
    const { code, verifier, config } = await codeFor(server.url, seeded);
    const first = await redeem(server.url, seeded.client.clientId, seeded.clientSecret!, code, verifier);
    expect(first.status).toBe(200);
    expect((await oidc.tokenIntrospection(config, first.body.refresh_token)).active).toBe(true);
    const second = await redeem(server.url, seeded.client.clientId, seeded.clientSecret!, code, verifier);
    expect(second).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    expect((await oidc.tokenIntrospection(config, first.body.refresh_token)).active).toBe(false);
  });

  it('refuses a code issued to another client', async () => {
    const seeded = await seedOAuth(server.gatehouse);
    const other = await server.gatehouse.oauth.clients.create(OPERATOR, seeded.org.id, { name: 'Other', redirect_uris: [REDIRECT_URI] });
    const { code, verifier } = await codeFor(server.url, seeded);
    const res = await redeem(server.url, other.client.clientId, other.client_secret!, code, verifier);
    expect(res).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('lets exactly one of ten parallel redemptions of one code succeed', async () => {
    const race = await startTestServer({}, { store: withSlowOidcReads(await openStore('sqlite::memory:')) });
    try {
      const seeded = await seedOAuth(race.gatehouse);
      const { code, verifier } = await codeFor(race.url, seeded);
      const results = await Promise.all(Array.from({ length: 10 }, () => redeem(race.url, seeded.client.clientId, seeded.clientSecret!, code, verifier)));
      expect(results.filter((r) => r.status === 200)).toHaveLength(1);
      for (const r of results.filter((x) => x.status !== 200)) expect(r.body.error).toBe('invalid_grant');
    } finally {
      await race.stop();
    }
  });
});

describe('login and consent pages', () => {
  it('forbid framing and caching, and run no script but our WebAuthn ceremony, under the page\'s nonce', async () => {
    const seeded = await seedOAuth(server.gatehouse);
    const config = await clientConfig(server.url, seeded.client.clientId, seeded.clientSecret);
    const { headers, html } = await openInteraction(new FormAgent(), server.url, config);
    expect(headers.get('x-frame-options')).toBe('DENY');
    expect(headers.get('cache-control')).toBe('no-store');
    const csp = headers.get('content-security-policy')!;
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("default-src 'none'");
    const nonce = /script-src 'nonce-([^']+)'/.exec(csp)![1];
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|script-src[^;]*'self'/);
    expect(html.match(/<script[^>]*>/g)).toEqual([`<script nonce="${nonce}" src="/assets/webauthn.js" defer>`]);
    expect(html).toContain('<html lang="en">');
    expect(html).toMatch(/<label for="email">/);
    expect(html).toMatch(/autocomplete="current-password"/);
  });

  it('refuses a login POST without the interaction\'s CSRF token, or with another interaction\'s', async () => {
    const seeded = await seedOAuth(server.gatehouse);
    const config = await clientConfig(server.url, seeded.client.clientId, seeded.clientSecret);
    const agent = new FormAgent();
    const mine = await openInteraction(agent, server.url, config);
    const other = await openInteraction(new FormAgent(), server.url, config);
    const { action } = formOf(mine.html);
    const missing = await agent.request(new URL(action, server.url).href, { form: { email: seeded.email, password: seeded.password } });
    expect(missing.status).toBe(403);
    const foreign = await submitLoginForm(agent, server.url, mine.html, { csrf: formOf(other.html).csrf, email: seeded.email, password: seeded.password });
    expect(foreign.status).toBe(403);
  });

  it('escapes what the user typed when showing the page again', async () => {
    const seeded = await seedOAuth(server.gatehouse);
    const config = await clientConfig(server.url, seeded.client.clientId, seeded.clientSecret);
    const agent = new FormAgent();
    const { html } = await openInteraction(agent, server.url, config);
    const res = await submitLoginForm(agent, server.url, html, { email: '"><script>alert(1)</script>@x.io', password: 'whatever-password' });
    expect(res.html).not.toContain('<script>');
    expect(res.html).toContain('&quot;&gt;&lt;script&gt;');
  });

  it('does not let a non-member obtain tokens through an existing session of theirs', async () => {
    const seeded = await seedOAuth(server.gatehouse);
    const otherOrgClient = await seedOAuth(server.gatehouse);
    const agent = new FormAgent();
    // the user signs in at a client of their own organization...
    const ownConfig = await clientConfig(server.url, seeded.client.clientId, seeded.clientSecret);
    await loginAndExchange(ownConfig, agent, server.url, seeded);
    // ...then the same browser is sent to a client of an organization they do not belong to
    const foreignConfig = await clientConfig(server.url, otherOrgClient.client.clientId, otherOrgClient.clientSecret);
    const { html, status } = await openInteraction(agent, server.url, foreignConfig);
    expect(status).toBe(200);
    expect(html).toContain('name="password"');
    const res = await submitLoginForm(agent, server.url, html, { email: seeded.email, password: seeded.password });
    expect(res.status).toBe(403);
  });
});
