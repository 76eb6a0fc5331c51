import { randomBytes } from 'node:crypto';
import { normalizeHtu } from '../../../src/resource-server/dpop/htu.js';
import { DpopNonces } from '../../../src/resource-server/dpop/nonce.js';
import { jwkThumbprint } from '../../../src/resource-server/dpop/proof.js';
import { memoryReplayGuard } from '../../../src/resource-server/dpop/replay.js';
import { calculateJwkThumbprint, exportJWK, generateKeyPair } from 'jose';

describe('DPoP htu normalisation (RFC 9449 §4.3, RFC 3986 §6.2.2–6.2.3)', () => {
  it.each([
    ['HTTPS://API.Example.COM/a', 'https://api.example.com/a'],
    ['https://api.example.com:443/a', 'https://api.example.com/a'],
    ['http://api.example.com:80', 'http://api.example.com/'],
    ['https://api.example.com/a/./b/../c', 'https://api.example.com/a/c'],
    ['https://api.example.com/a?x=1#frag', 'https://api.example.com/a'],
    ['https://api.example.com/%7euser/%2fx', 'https://api.example.com/~user/%2Fx'],
    ['https://user:pw@api.example.com/a', 'https://api.example.com/a'],
  ])('%s → %s', (input, expected) => {
    expect(normalizeHtu(input)).toBe(expected);
  });

  it('refuses what is not an absolute http(s) URL', () => {
    for (const bad of ['/relative', 'ftp://x.example/', 'javascript:alert(1)', 42, undefined, `https://x.example/${'a'.repeat(5000)}`]) expect(normalizeHtu(bad)).toBeNull();
  });
});

describe('DPoP nonces', () => {
  it('are accepted two minutes either way and refused after', () => {
    let now = 1_900_000_000;
    const nonces = new DpopNonces(randomBytes(32), () => now);
    const issued = nonces.next();
    expect(nonces.check(issued)).toBe(true);
    now += 170;
    expect(nonces.check(issued)).toBe(true);
    now += 130;
    expect(nonces.check(issued)).toBe(false);
    expect(nonces.check('made-up')).toBe(false);
  });

  it('agree between instances holding the same secret, and only those', () => {
    const secret = randomBytes(32);
    expect(new DpopNonces(secret).check(new DpopNonces(secret).next())).toBe(true);
    expect(new DpopNonces(randomBytes(32)).check(new DpopNonces(secret).next())).toBe(false);
  });
});

describe('DPoP key thumbprints and replay memory', () => {
  it.each(['ES256', 'EdDSA', 'RS256'] as const)('computes RFC 7638 thumbprints like jose for %s keys', async (alg) => {
    const { publicKey } = await generateKeyPair(alg, { extractable: true });
    const jwk = await exportJWK(publicKey);
    expect(jwkThumbprint(jwk)).toBe(await calculateJwkThumbprint(jwk));
  });

  it('accepts a proof once while it is usable, and forgets it afterwards', async () => {
    let now = 1000;
    const guard = memoryReplayGuard(100, () => now);
    expect(await guard.claim('jkt', 'j1', 2000)).toBe(true);
    expect(await guard.claim('jkt', 'j1', 2000)).toBe(false);
    expect(await guard.claim('other', 'j1', 2000)).toBe(true);
    now = 2001;
    expect(await guard.claim('jkt', 'j1', 3000)).toBe(true);
  });
});
