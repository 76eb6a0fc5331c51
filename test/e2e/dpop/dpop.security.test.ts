import { request as httpRequest } from 'node:http';
import * as oidc from 'openid-client';
import { generateKeyPair } from 'jose';
import { openStore } from '../../../src/store/open.js';
import type { Store } from '../../../src/store/ports.js';
import { startTestServer, type RunningGatehouse } from '../../support/harness.js';
import { clientConfig, seedOAuth } from '../../support/oauth.js';
import { dpopKey } from '../../support/dpop.js';

/**
 * A stolen DPoP-bound token is worthless without the key, and a proof is worth one request: every
 * check of RFC 9449 §4.3 and §7.1, tried as an attacker would, against a running Gatehouse.
 */
describe('DPoP refusals at the management API', () => {
  let store: Store;
  let a: RunningGatehouse;
  let b: RunningGatehouse;
  let url: string;
  let token: string;
  let key: Awaited<ReturnType<typeof dpopKey>>;

  const get = (target: string, headers: Record<string, string>, method = 'GET') =>
    fetch(target, { method, headers }).then(async (res) => ({ status: res.status, www: res.headers.get('www-authenticate') ?? '', body: await res.json().catch(() => null) as { code?: string } | null, nonce: res.headers.get('dpop-nonce') }));
  /** GET `url`'s path on instance B, with A's Host header (one public address in front of both) */
  const statusOnB = (headers: Record<string, string>) => new Promise<number>((resolve, reject) => {
    const target = new URL(url);
    const req = httpRequest({ host: '127.0.0.1', port: new URL(b.url).port, path: target.pathname, headers: { ...headers, host: target.host } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
  const withProof = async (overrides: Partial<Parameters<typeof key.proof>[0]> = {}, target = url) =>
    get(target, { authorization: `DPoP ${token}`, dpop: await key.proof({ ...{ htm: 'GET', htu: target, accessToken: token }, ...overrides }) });

  beforeAll(async () => {
    // two instances sharing one store: a proof used on one is refused on the other
    store = await openStore('sqlite::memory:');
    a = await startTestServer({}, { store });
    // instances behind one public address: same issuer, same secret
    b = await startTestServer({ secret: a.gatehouse.config.secret, issuer: a.url }, { store });
    const seeded = await seedOAuth(a.gatehouse);
    const config = await clientConfig(a.url, seeded.client.clientId, seeded.clientSecret);
    key = await dpopKey();
    token = (await oidc.clientCredentialsGrant(config, { scope: 'users:read' }, { DPoP: oidc.getDPoPHandle(config, key.keyPair) })).access_token;
    url = `${a.url}/v1/organizations/${seeded.org.id}/users`;
  });
  afterAll(async () => {
    await a.stop();
    await b.stop();
    await store.close();
  });

  it('accepts the token with a good proof (control)', async () => {
    expect((await withProof()).status).toBe(200);
  });

  it('refuses the bound token presented as a bearer token, challenging the DPoP scheme', async () => {
    const res = await get(url, { authorization: `Bearer ${token}` });
    expect(res.status).toBe(401);
    expect(res.www).toMatch(/^DPoP error="invalid_token"/);
    expect(res.body?.code).toBe('invalid_token');
    // a proof alongside does not turn a bearer presentation into a DPoP one
    const proof = await key.proof({ htm: 'GET', htu: url, accessToken: token });
    expect((await get(url, { authorization: `Bearer ${token}`, dpop: proof })).status).toBe(401);
  });

  it('refuses the DPoP scheme without a proof, and with two', async () => {
    const none = await get(url, { authorization: `DPoP ${token}` });
    expect([none.status, none.body?.code]).toEqual([401, 'invalid_dpop_proof']);
    expect(none.www).toMatch(/^DPoP error="invalid_dpop_proof".*algs="/);
    const p1 = await key.proof({ htm: 'GET', htu: url, accessToken: token });
    const p2 = await key.proof({ htm: 'GET', htu: url, accessToken: token });
    expect((await get(url, { authorization: `DPoP ${token}`, dpop: `${p1}, ${p2}` })).body?.code).toBe('invalid_dpop_proof');
  });

  it('refuses a replayed proof, on the same instance and on another one sharing the store', async () => {
    const proof = await key.proof({ htm: 'GET', htu: url, accessToken: token });
    expect((await get(url, { authorization: `DPoP ${token}`, dpop: proof })).status).toBe(200);
    expect((await get(url, { authorization: `DPoP ${token}`, dpop: proof })).body?.code).toBe('invalid_dpop_proof');
    // the same proof replayed to instance B, addressed as the public URL (Host: A's)
    const shared = await key.proof({ htm: 'GET', htu: url, accessToken: token });
    expect((await get(url, { authorization: `DPoP ${token}`, dpop: shared })).status).toBe(200);
    expect(await statusOnB({ authorization: `DPoP ${token}`, dpop: shared })).toBe(401);
    // a fresh proof is good on B (control)
    expect(await statusOnB({ authorization: `DPoP ${token}`, dpop: await key.proof({ htm: 'GET', htu: url, accessToken: token }) })).toBe(200);
  });

  it.each([
    ['another method (htm)', { htm: 'POST' }],
    ['another URL (htu)', { htu: 'https://elsewhere.example/v1/organizations' }],
    ['another token (ath)', { accessToken: 'some-other-token' }],
    ['no ath', { accessToken: undefined }],
    ['an iat ten minutes old', { iat: Math.floor(Date.now() / 1000) - 600 }],
    ['an iat ten minutes ahead', { iat: Math.floor(Date.now() / 1000) + 600 }],
    ['no jti', { claims: { jti: undefined } }],
    ['typ JWT', { header: { typ: 'JWT' } }],
    ['a nonce this server never issued', { nonce: 'made-up' }],
  ])('refuses a proof with %s', async (_label, overrides) => {
    const res = await withProof(overrides as Parameters<typeof key.proof>[0]);
    expect(res.status).toBe(401);
    expect(['invalid_dpop_proof', 'use_dpop_nonce']).toContain(res.body?.code);
  });

  it('refuses a proof signed with another key (the thief\'s own), and one whose header carries a private key', async () => {
    const thief = await dpopKey();
    const proof = await thief.proof({ htm: 'GET', htu: url, accessToken: token });
    expect((await get(url, { authorization: `DPoP ${token}`, dpop: proof })).body?.code).toBe('invalid_dpop_proof');
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    const { exportJWK } = await import('jose');
    const leaky = await key.proof({ htm: 'GET', htu: url, accessToken: token, header: { jwk: await exportJWK(privateKey) }, key: privateKey });
    expect((await get(url, { authorization: `DPoP ${token}`, dpop: leaky })).body?.code).toBe('invalid_dpop_proof');
  });

  it('refuses proofs with alg none or HS256', async () => {
    const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'dpop+jwt', jwk: key.jwk })).toString('base64url');
    const payload = Buffer.from(JSON.stringify({ htm: 'GET', htu: url, iat: Math.floor(Date.now() / 1000), jti: 'x1' })).toString('base64url');
    expect((await get(url, { authorization: `DPoP ${token}`, dpop: `${header}.${payload}.` })).body?.code).toBe('invalid_dpop_proof');
    const hs = `${Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'dpop+jwt', jwk: key.jwk })).toString('base64url')}.${payload}.c2ln`;
    expect((await get(url, { authorization: `DPoP ${token}`, dpop: hs })).body?.code).toBe('invalid_dpop_proof');
  });

  it('matches htu after normalisation (case of scheme and host, default port), never with the query', async () => {
    const upper = url.replace('http://127.0.0.1', 'HTTP://127.0.0.1');
    expect((await withProof({ htm: 'GET', htu: upper, accessToken: token })).status).toBe(200);
    expect((await withProof({ htm: 'GET', htu: `${url}?ignored=1#x`, accessToken: token })).status).toBe(200);
  });

  it('refuses an unbound token presented with the DPoP scheme, and an API key too', async () => {
    const seeded = await seedOAuth(a.gatehouse);
    const config = await clientConfig(a.url, seeded.client.clientId, seeded.clientSecret);
    const plain = (await oidc.clientCredentialsGrant(config, { scope: 'users:read' })).access_token;
    const target = `${a.url}/v1/organizations/${seeded.org.id}/users`;
    const res = await get(target, { authorization: `DPoP ${plain}`, dpop: await key.proof({ htm: 'GET', htu: target, accessToken: plain }) });
    expect([res.status, res.body?.code]).toEqual([401, 'invalid_token']);
  });
});

describe('DPoP with server nonces required', () => {
  let gh: RunningGatehouse;
  beforeAll(async () => { gh = await startTestServer({ oauth: { dpop: { requireNonce: true } } }); });
  afterAll(async () => { await gh.stop(); });

  it('answers a proof without a nonce with 401 use_dpop_nonce and a DPoP-Nonce, and accepts the token endpoint\'s nonce', async () => {
    const seeded = await seedOAuth(gh.gatehouse);
    const key = await dpopKey();
    // the token endpoint hands out a nonce first (oidc-provider, same secret)
    const form = { grant_type: 'client_credentials', scope: 'users:read' };
    const tokenUrl = `${gh.url}/token`;
    const basic = `Basic ${Buffer.from(`${seeded.client.clientId}:${seeded.clientSecret}`).toString('base64')}`;
    const first = await fetch(tokenUrl, { method: 'POST', headers: { authorization: basic, dpop: await key.proof({ htm: 'POST', htu: tokenUrl }), 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form) });
    const nonce = first.headers.get('dpop-nonce')!;
    expect([first.status, nonce]).toEqual([400, expect.any(String)]);
    const issued = await fetch(tokenUrl, { method: 'POST', headers: { authorization: basic, dpop: await key.proof({ htm: 'POST', htu: tokenUrl, nonce }), 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form) });
    const { access_token: token } = (await issued.json()) as { access_token: string };
    const url = `${gh.url}/v1/organizations/${seeded.org.id}/users`;
    const without = await fetch(url, { headers: { authorization: `DPoP ${token}`, dpop: await key.proof({ htm: 'GET', htu: url, accessToken: token }) } });
    expect(without.status).toBe(401);
    expect(without.headers.get('www-authenticate')).toMatch(/^DPoP error="use_dpop_nonce"/);
    expect(without.headers.get('dpop-nonce')).toBeTruthy();
    const withTokenEndpointNonce = await fetch(url, { headers: { authorization: `DPoP ${token}`, dpop: await key.proof({ htm: 'GET', htu: url, accessToken: token, nonce }) } });
    expect(withTokenEndpointNonce.status).toBe(200);
  });
});
