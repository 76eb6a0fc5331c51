import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT } from 'jose';
import { createJwtVerifier } from '../../../src/resource-server/jwt-verifier.js';
import { localKeys } from '../../../src/resource-server/jwks.js';
import { AUDIENCE, ISSUER, testSigner } from './fixtures.js';

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

describe('JWT verification refuses forged and misused tokens', () => {
  let signer: Awaited<ReturnType<typeof testSigner>>;
  let verify: (token: string) => Promise<unknown>;
  let attacker: Awaited<ReturnType<typeof generateKeyPair>>;
  let trap: Server;
  let trapHits = 0;
  let trapUrl: string;

  beforeAll(async () => {
    signer = await testSigner('RS256', 'k1');
    const verifier = createJwtVerifier({ keys: localKeys({ load: () => signer.jwks }), issuer: ISSUER, audience: AUDIENCE });
    verify = async (t) => (await verifier.verify(t))?.principal ?? null;
    attacker = await generateKeyPair('RS256', { extractable: true });
    trap = createServer((req, res) => {
      trapHits++;
      res.setHeader('content-type', 'application/json');
      exportJWK(attacker.publicKey).then((jwk) => res.end(JSON.stringify({ keys: [{ ...jwk, kid: 'evil', alg: 'RS256' }] })));
    });
    await new Promise<void>((r) => trap.listen(0, '127.0.0.1', r));
    trapUrl = `http://127.0.0.1:${(trap.address() as AddressInfo).port}/jwks`;
  });
  afterAll(() => new Promise<void>((r) => trap.close(() => r())));

  it('accepts a well-formed token signed by the JWKS key (control)', async () => {
    expect(await verify(await signer.mint())).toMatchObject({ type: 'user', subject: 'usr_1', organization: 'org_1', permissions: ['invoices:read'] });
  });

  it('refuses alg none', async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = `${b64({ alg: 'none', typ: 'at+jwt', kid: 'k1' })}.${b64({ iss: ISSUER, aud: AUDIENCE, sub: 'u', client_id: 'c', exp: now + 60 })}.`;
    expect(await verify(token)).toBeNull();
  });

  it('refuses HS256 keyed with the public key (algorithm confusion)', async () => {
    const spki = await exportSPKI(signer.publicKey);
    const jwk = await exportJWK(signer.publicKey);
    for (const secret of [Buffer.from(spki), Buffer.from(jwk.n!, 'base64url'), Buffer.from(JSON.stringify(jwk))]) {
      expect(await verify(await signer.mint({}, { alg: 'HS256' }, new Uint8Array(secret)))).toBeNull();
    }
  });

  it('refuses a token signed by a foreign key under the real kid', async () => {
    expect(await verify(await signer.mint({}, { kid: 'k1' }, attacker.privateKey))).toBeNull();
  });

  it('refuses a token whose payload was altered after signing', async () => {
    const [h, , s] = (await signer.mint()).split('.');
    const now = Math.floor(Date.now() / 1000);
    const forged = b64({ iss: ISSUER, aud: AUDIENCE, sub: 'usr_1', client_id: 'cli_1', org: 'org_1', scope: 'invoices:read invoices:write', exp: now + 600 });
    expect(await verify(`${h}.${forged}.${s}`)).toBeNull();
  });

  it('refuses an ID token (typ JWT, or no typ) even with the right audience', async () => {
    expect(await verify(await signer.mint({}, { typ: 'JWT' }))).toBeNull();
    expect(await verify(await signer.mint({ aud: 'cli_1', nonce: 'n' }, { typ: 'JWT' }))).toBeNull();
    const noTyp = await new SignJWT({ iss: ISSUER, aud: AUDIENCE, sub: 'u', client_id: 'c', exp: Math.floor(Date.now() / 1000) + 60 })
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' }).sign(signer.privateKey);
    expect(await verify(noTyp)).toBeNull();
  });

  it('refuses another audience and another issuer', async () => {
    expect(await verify(await signer.mint({ aud: 'https://other.test' }))).toBeNull();
    expect(await verify(await signer.mint({ iss: 'https://evil.test' }))).toBeNull();
  });

  it('refuses an expired token, a not-yet-valid one, and one without exp', async () => {
    const now = Math.floor(Date.now() / 1000);
    expect(await verify(await signer.mint({ exp: now - 60 }))).toBeNull();
    expect(await verify(await signer.mint({ nbf: now + 60 }))).toBeNull();
    expect(await verify(await signer.mint({ exp: undefined }))).toBeNull();
  });

  it('refuses a token without client_id or sub', async () => {
    expect(await verify(await signer.mint({ client_id: undefined }))).toBeNull();
    expect(await verify(await signer.mint({ sub: undefined }))).toBeNull();
  });

  it('ignores jku and x5u headers: never fetches them', async () => {
    expect(await verify(await signer.mint({}, { kid: 'evil', jku: trapUrl }, attacker.privateKey))).toBeNull();
    expect(await verify(await signer.mint({}, { kid: 'evil', x5u: trapUrl }, attacker.privateKey))).toBeNull();
    expect(trapHits).toBe(0);
  });

  it('ignores an embedded jwk header', async () => {
    const jwk = await exportJWK(attacker.publicKey);
    expect(await verify(await signer.mint({}, { kid: 'evil', jwk }, attacker.privateKey))).toBeNull();
    expect(await verify(await signer.mint({}, { jwk }, attacker.privateKey))).toBeNull();
  });

  it('accepts ES256 and EdDSA keys from the JWKS', async () => {
    for (const alg of ['ES256', 'EdDSA'] as const) {
      const s = await testSigner(alg, `k-${alg}`);
      const v = createJwtVerifier({ keys: localKeys({ load: () => s.jwks }), issuer: ISSUER, audience: AUDIENCE });
      expect(await v.verify(await s.mint())).not.toBeNull();
    }
  });

  it('calls a client_credentials token (sub = client_id) a client principal and drops OIDC scopes', async () => {
    expect(await verify(await signer.mint({ sub: 'cli_1', scope: 'openid invoices:read profile' }))).toEqual({
      type: 'client', subject: 'cli_1', client_id: 'cli_1', organization: 'org_1', environment: null, permissions: ['invoices:read'],
    });
  });
});

describe('JWT verification keeps its caches honest', () => {
  it('reloads the JWKS on an unknown kid at once, then at most once per cooldown', async () => {
    const signer = await testSigner('RS256', 'k1');
    let loads = 0;
    let now = 1_000_000;
    const keys = localKeys({ load: () => { loads++; return signer.jwks; }, cooldownMs: 30_000, now: () => now });
    const v = createJwtVerifier({ keys, issuer: ISSUER, audience: AUDIENCE });
    await v.verify(await signer.mint());
    expect(loads).toBe(1);
    // the first unknown kid right after the first load still reloads: it may be a key just rotated in
    for (let i = 0; i < 20; i++) await v.verify(await signer.mint({}, { kid: `unknown-${i}` }));
    expect(loads).toBe(2);
    now += 30_001;
    await v.verify(await signer.mint({}, { kid: 'unknown-late' }));
    expect(loads).toBe(3);
  });

  it('picks up a newly rotated key after a reload', async () => {
    const a = await testSigner('RS256', 'a');
    const b = await testSigner('RS256', 'b');
    let set = a.jwks;
    const keys = localKeys({ load: () => set, cooldownMs: 0 });
    const v = createJwtVerifier({ keys, issuer: ISSUER, audience: AUDIENCE });
    expect(await v.verify(await a.mint())).not.toBeNull();
    set = { keys: [...a.jwks.keys, ...b.jwks.keys] };
    expect(await v.verify(await b.mint())).not.toBeNull();
  });

  it('never serves a cached token past its exp', async () => {
    const signer = await testSigner();
    let now = Date.now();
    const v = createJwtVerifier({ keys: localKeys({ load: () => signer.jwks }), issuer: ISSUER, audience: AUDIENCE, now: () => now });
    const token = await signer.mint({ exp: Math.floor(now / 1000) + 10 });
    expect(await v.verify(token)).not.toBeNull();
    expect(await v.verify(token)).not.toBeNull();
    now += 16_000;
    expect(await v.verify(token)).toBeNull();
  });
});
