import * as oidc from 'openid-client';
import { startTestServer, type RunningGatehouse } from '../../support/harness.js';
import { clientConfig, FormAgent, loginAndExchange, REDIRECT_URI, seedOAuth } from '../../support/oauth.js';

/**
 * Discovery advertises exactly what Gatehouse enforces (oidc-provider turns features on by
 * default): this test pins the document, so a feature appearing with a library upgrade fails here
 * until it is enforced, documented and tested; and it drives the advertised response modes, the
 * RFC 9207 `iss` parameter and the parameters advertised as unsupported.
 */
let server: RunningGatehouse;
let doc: Record<string, unknown>;
beforeAll(async () => {
  server = await startTestServer();
  doc = await (await fetch(`${server.url}/.well-known/openid-configuration`)).json() as Record<string, unknown>;
});
afterAll(async () => { await server.stop(); });

describe('the discovery document', () => {
  it('holds exactly the features Gatehouse enforces', () => {
    expect(Object.keys(doc).sort()).toEqual([
      'authorization_endpoint', 'authorization_response_iss_parameter_supported', 'claim_types_supported', 'claims_parameter_supported',
      'claims_supported', 'code_challenge_methods_supported', 'device_authorization_endpoint', 'dpop_signing_alg_values_supported',
      'end_session_endpoint', 'grant_types_supported', 'id_token_signing_alg_values_supported', 'introspection_endpoint', 'issuer',
      'jwks_uri', 'pushed_authorization_request_endpoint', 'request_uri_parameter_supported', 'response_modes_supported',
      'response_types_supported', 'revocation_endpoint', 'scopes_supported', 'subject_types_supported', 'token_endpoint',
      'token_endpoint_auth_methods_supported', 'token_endpoint_auth_signing_alg_values_supported', 'userinfo_endpoint',
    ]);
    expect(doc).toMatchObject({
      grant_types_supported: ['authorization_code', 'refresh_token', 'client_credentials', 'urn:ietf:params:oauth:grant-type:device_code'],
      response_types_supported: ['code'],
      response_modes_supported: ['form_post', 'fragment', 'query'],
      code_challenge_methods_supported: ['S256'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none'],
      token_endpoint_auth_signing_alg_values_supported: ['RS256', 'PS256', 'ES256', 'Ed25519', 'EdDSA'],
      claims_parameter_supported: false,
      request_uri_parameter_supported: false,
      authorization_response_iss_parameter_supported: true,
      subject_types_supported: ['public'],
      scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    });
    expect(doc.request_parameter_supported).toBeUndefined();
  });
});

describe('response modes and authorization parameters', () => {
  let config: oidc.Configuration;
  let agent: FormAgent;
  beforeAll(async () => {
    const seeded = await seedOAuth(server.gatehouse);
    config = await clientConfig(server.url, seeded.client.clientId, seeded.clientSecret);
    agent = new FormAgent();
    // signed in with consent remembered: later requests answer at once
    await loginAndExchange(config, agent, server.url, seeded, { scope: 'openid' });
  });

  async function authorizeWith(params: Record<string, string>) {
    const verifier = oidc.randomPKCECodeVerifier();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT_URI, scope: 'openid', state: 'st', code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256', ...params,
    });
    return { res: await agent.request(url.href), verifier };
  }

  it('query (the default) carries iss (RFC 9207), which openid-client checks', async () => {
    const { res, verifier } = await authorizeWith({});
    const callback = new URL(res.headers.get('location')!);
    expect(callback.searchParams.get('iss')).toBe(server.url);
    const tokens = await oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: 'st' });
    expect(tokens.access_token).toBeTruthy();
  });

  it('form_post answers a form that works without JavaScript, holding code, state and iss', async () => {
    const { res } = await authorizeWith({ response_mode: 'form_post' });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain(`<form method="post" action="${REDIRECT_URI}">`);
    expect(html).toMatch(/<noscript>[\s\S]*<button[^>]*type="submit"/);
    for (const name of ['code', 'state', 'iss']) expect(html).toContain(`name="${name}"`);
  });

  it('fragment puts the response after #', async () => {
    const { res } = await authorizeWith({ response_mode: 'fragment' });
    const location = res.headers.get('location')!;
    expect(location.startsWith(`${REDIRECT_URI}#`)).toBe(true);
    expect(new URLSearchParams(location.split('#')[1]).get('iss')).toBe(server.url);
  });

  it('refuses a request object (request=) and a request_uri that PAR did not issue', async () => {
    const jar = await authorizeWith({ request: 'eyJhbGciOiJub25lIn0.e30.' });
    expect(new URL(jar.res.headers.get('location')!).searchParams.get('error')).toBe('request_not_supported');
    const uri = await authorizeWith({ request_uri: 'https://attacker.example.com/request.jwt' });
    expect(uri.res.headers.get('location') ?? (await uri.res.text())).toMatch(/invalid_request_uri|request_uri_not_supported/);
  });
});
