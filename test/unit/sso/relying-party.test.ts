import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { IdpFailure, RelyingParty } from '../../../src/sso/relying-party.js';
import type { SsoConnection } from '../../../src/store/ports.js';

/** A server answering discovery for whatever issuer it is asked about, counting the requests. */
let server: Server;
let base: string;
let discoveries = 0;
beforeAll(async () => {
  server = createServer((req, res) => {
    discoveries++;
    const issuer = `${base}${req.url!.replace('/.well-known/openid-configuration', '')}`;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ issuer, authorization_endpoint: `${issuer}/auth`, token_endpoint: `${issuer}/token`, jwks_uri: `${issuer}/jwks` }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const settings = { redirectUri: 'https://gatehouse.example/sso/callback', timeoutMs: 2000, cacheSeconds: 600 };
const connection = (over: Partial<SsoConnection> = {}): SsoConnection => ({
  organizationId: 'org_1', issuer: `${base}/tenant`, clientId: 'c', sealedClientSecret: 'x', defaultRole: 'member', required: false,
  createdBy: 'cli', version: 1, createdAt: new Date(), updatedAt: new Date(), ...over,
});

describe('the relying party', () => {
  it('reaches no private or loopback address unless allowed, refusing before anything is sent', async () => {
    const before = discoveries;
    const locked = new RelyingParty({ ...settings, allowPrivateNetworks: false });
    const https = base.replace('http:', 'https:');
    await expect(locked.discover(`${https}/tenant`, 'c', 's')).rejects.toThrow(IdpFailure);
    await expect(locked.discover(`${https}/tenant`, 'c', 's')).rejects.toThrow(/127\.0\.0\.1 is not a public address/);
    await expect(locked.discover(https.replace('127.0.0.1', 'localhost'), 'c', 's')).rejects.toThrow(/does not resolve to public addresses only/);
    // and plain http is never used
    await expect(locked.discover(`${base}/tenant`, 'c', 's')).rejects.toThrow(/only requests to HTTPS are allowed/);
    expect(discoveries).toBe(before);
    const open = new RelyingParty({ ...settings, allowPrivateNetworks: true });
    await expect(open.discover(`${base}/tenant`, 'c', 's')).resolves.toBeDefined();
    expect(discoveries).toBe(before + 1);
  });

  it('reuses a connection\'s discovered metadata, and discovers a changed connection (a new version) afresh', async () => {
    const rp = new RelyingParty({ ...settings, allowPrivateNetworks: true });
    const before = discoveries;
    await rp.configuration(connection(), 's');
    await rp.configuration(connection(), 's');
    expect(discoveries).toBe(before + 1);
    await rp.configuration(connection({ version: 2 }), 's');
    expect(discoveries).toBe(before + 2);
  });

  it('sends code + PKCE S256, state, nonce and the login hint to the provider\'s authorization endpoint', async () => {
    const rp = new RelyingParty({ ...settings, allowPrivateNetworks: true });
    const config = await rp.configuration(connection({ organizationId: 'org_2' }), 's');
    const url = await rp.authorizationUrl(config, { state: 'st', nonce: 'no', codeVerifier: 'v'.repeat(43) }, 'ada@acme.test');
    expect(url.origin + url.pathname).toBe(`${base}/tenant/auth`);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      client_id: 'c', redirect_uri: settings.redirectUri, response_type: 'code', scope: 'openid email profile', state: 'st', nonce: 'no',
      code_challenge: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/), code_challenge_method: 'S256', login_hint: 'ada@acme.test',
    });
  });
});
