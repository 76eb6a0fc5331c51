import request from 'supertest';
import { fixture, type Fixture } from './fixtures.js';

/** the fixture's `apiKeys.cacheStalenessMs` */
const STALENESS_MS = 1000;

describe('authenticate: disabled keys and key metadata (in process)', () => {
  let f: Fixture;
  let reference: unknown;
  beforeAll(async () => {
    f = await fixture();
    reference = (await request(f.app.callback()).get('/things').expect(401)).body;
  });
  afterAll(() => f.close());

  const get = (key: string) => request(f.app.callback()).get('/things').set('X-API-Key', key);

  it('refuses a disabled key with the same 401 as a revoked or unknown one (telling them apart would help no one but a thief)', async () => {
    const disabled = await f.addKey({ disabledAt: new Date() });
    const revoked = await f.addKey({ revokedAt: new Date() });
    const refused = await get(disabled.key).expect(401);
    expect(refused.body).toEqual(reference);
    expect(refused.body).toEqual((await get(revoked.key).expect(401)).body);
    expect(refused.headers['www-authenticate']).toMatch(/error="invalid_token"/);
  });

  it("gives the principal the key's metadata, frozen, and {} to a key without any", async () => {
    const tagged = await f.addKey({ metadata: { customer: 'c_42', tier: 3, beta: true } });
    expect((await get(tagged.key).expect(200)).body.principal.metadata).toEqual({ customer: 'c_42', tier: 3, beta: true });
    const plain = await f.addKey();
    expect((await get(plain.key).expect(200)).body.principal.metadata).toEqual({});
    const outcome = await f.rs.checkApiKey(tagged.key);
    expect(outcome.ok && Object.isFrozen(outcome.verified.principal.metadata)).toBe(true);
  });

  it('refuses a key disabled at once when told (this instance changed it), and re-enabled works again', async () => {
    const { key, record } = await f.addKey();
    await get(key).expect(200);
    await f.store.apiKeys.update(record.id, { disabledAt: new Date() });
    f.rs.invalidateKey(record.id);
    await get(key).expect(401);
    await f.store.apiKeys.update(record.id, { disabledAt: null });
    f.rs.invalidateKey(record.id);
    await get(key).expect(200);
  });

  it(`refuses a key another instance disabled within the cache's staleness bound (${STALENESS_MS} ms)`, async () => {
    const { key, record } = await f.addKey();
    await get(key).expect(200);
    f.rs.start();
    // written behind this instance's back: only the poller (or the bound) can tell it
    await f.store.apiKeys.update(record.id, { disabledAt: new Date() });
    const started = performance.now();
    let status = 200;
    while (status === 200 && performance.now() - started < 5 * STALENESS_MS) {
      status = (await get(key)).status;
      if (status === 200) await new Promise((r) => setTimeout(r, 20));
    }
    expect(status).toBe(401);
    expect(performance.now() - started).toBeLessThanOrEqual(STALENESS_MS + 300);
  });
});
