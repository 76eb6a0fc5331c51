import request from 'supertest';
import { generateApiKey } from '../../../src/domain/api-keys/format.js';
import { newId } from '../../../src/domain/ids.js';
import { Secrets } from '../../../src/domain/secrets.js';
import { fixture, type Fixture } from './fixtures.js';

function otherDeploymentKey(): string {
  return generateApiKey(new Secrets(Buffer.alloc(32, 7).toString('base64url')), 'live', newId('key')).key;
}

describe('authenticate: bad API keys are indistinguishable and cheap', () => {
  let f: Fixture;
  let reference: { body: unknown; header: string };
  beforeAll(async () => {
    f = await fixture();
    const res = await request(f.app.callback()).get('/things').expect(401);
    reference = { body: res.body, header: res.headers['www-authenticate'] };
  });
  afterAll(() => f.close());

  const expectSame401 = async (headers: Record<string, string>) => {
    const res = await request(f.app.callback()).get('/things').set(headers).expect(401);
    expect(res.body).toEqual(reference.body);
    expect(res.headers['www-authenticate']).toBe(reference.header);
  };

  it('rejects a key whose tag does not match, without reading the store', async () => {
    f.calls.reset();
    const forged = otherDeploymentKey();
    await expectSame401({ 'X-API-Key': forged });
    await expectSame401({ Authorization: `Bearer ${forged}` });
    const { key } = await f.addKey();
    const flipped = key.slice(0, -1) + (key.endsWith('A') ? 'B' : 'A');
    f.calls.reset();
    await expectSame401({ 'X-API-Key': flipped });
    await expectSame401({ 'X-API-Key': 'ak_live_short' });
    await expectSame401({ 'X-API-Key': `ak_live_${'x'.repeat(5000)}` });
    expect(f.calls.of('apiKeys')).toBe(0);
    expect(f.calls.of('organizations')).toBe(0);
  });

  it('answers unknown, revoked, expired and digest-mismatched keys with the same 401', async () => {
    const unknown = generateApiKey(f.secrets, 'live', newId('key')).key;
    await expectSame401({ 'X-API-Key': unknown });
    const revoked = await f.addKey({ revokedAt: new Date() });
    await expectSame401({ 'X-API-Key': revoked.key });
    const expired = await f.addKey({ expiresAt: new Date(Date.now() - 1000) });
    await expectSame401({ 'X-API-Key': expired.key });
    const mismatch = await f.addKey({ digest: 'AAAA' });
    await expectSame401({ 'X-API-Key': mismatch.key });
  });

  it('refuses a key presented with the other environment prefix', async () => {
    const { key } = await f.addKey({ environment: 'live' });
    await expectSame401({ 'X-API-Key': key.replace('ak_live_', 'ak_test_') });
  });

  it('does not accept a JWT in X-API-Key, nor a malformed or empty bearer', async () => {
    await expectSame401({ 'X-API-Key': await f.signer.mint() });
    await expectSame401({ Authorization: 'Bearer' });
    await expectSame401({ Authorization: 'Basic dTpw' });
    await expectSame401({ Authorization: 'Bearer not.a.jwt' });
  });

  it('ignores ?api_key= by default', async () => {
    const { key } = await f.addKey();
    await expectSame401({});
    const res = await request(f.app.callback()).get(`/things?api_key=${key}`).expect(401);
    expect(res.body).toEqual(reference.body);
  });
});

describe('authenticate: IP allowlists', () => {
  it('matches IPv4 CIDRs against the connection address (403 outside)', async () => {
    const f = await fixture();
    try {
      const inside = await f.addKey({ ipAllowlist: ['127.0.0.0/8'] });
      const outside = await f.addKey({ ipAllowlist: ['10.0.0.0/8'] });
      await request(f.app.callback()).get('/things').set('X-API-Key', inside.key).expect(200);
      const res = await request(f.app.callback()).get('/things').set('X-API-Key', outside.key).expect(403);
      expect(res.body.code).toBe('ip_not_allowed');
      // without trusted proxies, X-Forwarded-For is not believed
      await request(f.app.callback()).get('/things').set('X-API-Key', outside.key).set('X-Forwarded-For', '10.1.2.3').expect(403);
    } finally {
      await f.close();
    }
  });

  it('matches IPv4 and IPv6 CIDRs against the forwarded address when one proxy hop is trusted', async () => {
    const f = await fixture({ trustProxy: 1 });
    try {
      const v6 = await f.addKey({ ipAllowlist: ['2001:db8::/32'] });
      const v4 = await f.addKey({ ipAllowlist: ['10.0.0.0/8'] });
      await request(f.app.callback()).get('/things').set('X-API-Key', v6.key).set('X-Forwarded-For', '2001:db8::5').expect(200);
      await request(f.app.callback()).get('/things').set('X-API-Key', v6.key).set('X-Forwarded-For', '2001:db9::5').expect(403);
      await request(f.app.callback()).get('/things').set('X-API-Key', v6.key).set('X-Forwarded-For', '10.1.2.3').expect(403);
      await request(f.app.callback()).get('/things').set('X-API-Key', v4.key).set('X-Forwarded-For', '10.1.2.3').expect(200);
      // a client-supplied entry before the proxy's own is not the client address
      await request(f.app.callback()).get('/things').set('X-API-Key', v4.key).set('X-Forwarded-For', '10.1.2.3, 192.0.2.1').expect(403);
    } finally {
      await f.close();
    }
  });
});

describe('authenticate: failed attempts are throttled per client address', () => {
  it('answers 429 after the limit of failed attempts; a spoofed X-Forwarded-For does not reset it when proxies are not trusted', async () => {
    const f = await fixture({ failedAuthLimit: 5 });
    try {
      const forged = otherDeploymentKey();
      f.calls.reset();
      const statuses: number[] = [];
      for (let i = 0; i < 8; i++) statuses.push((await request(f.app.callback()).get('/things').set('X-API-Key', forged).set('X-Forwarded-For', `203.0.113.${i}`)).status);
      expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429, 429]);
      const res = await request(f.app.callback()).get('/things').set('X-API-Key', forged);
      expect(res.status).toBe(429);
      expect(res.headers['retry-after']).toBeDefined();
      expect(f.calls.of('apiKeys')).toBe(0);
    } finally {
      await f.close();
    }
  });

  it('refuses even a valid credential from an address over its limit, and only from that address', async () => {
    const f = await fixture({ failedAuthLimit: 2, trustProxy: 1 });
    try {
      const { key } = await f.addKey();
      const status = async (credential: string, address: string) =>
        (await request(f.app.callback()).get('/things').set('X-API-Key', credential).set('X-Forwarded-For', address)).status;
      expect(await status(key, '198.51.100.7')).toBe(200);
      const forged = otherDeploymentKey();
      expect([await status(forged, '198.51.100.7'), await status(forged, '198.51.100.7'), await status(forged, '198.51.100.7')]).toEqual([401, 401, 429]);
      expect(await status(key, '198.51.100.7')).toBe(429);
      expect(await status(key, '198.51.100.8')).toBe(200);
    } finally {
      await f.close();
    }
  });

  it('with one trusted hop counts per forwarded address, and spoofed leading entries do not reset the count', async () => {
    const f = await fixture({ failedAuthLimit: 3, trustProxy: 1 });
    try {
      const forged = otherDeploymentKey();
      const status = async (xff: string) => (await request(f.app.callback()).get('/things').set('X-API-Key', forged).set('X-Forwarded-For', xff)).status;
      const first: number[] = [];
      for (let i = 0; i < 5; i++) first.push(await status(`198.51.100.${i}, 192.0.2.9`));
      expect(first).toEqual([401, 401, 401, 429, 429]);
      expect(await status('192.0.2.10')).toBe(401);
    } finally {
      await f.close();
    }
  });
});
