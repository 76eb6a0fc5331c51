import request from 'supertest';
import { fixture, type Fixture } from './fixtures.js';

describe('authenticate: refusals', () => {
  let f: Fixture;
  beforeAll(async () => { f = await fixture(); });
  afterAll(() => f.close());

  it('answers 401 problem+json with WWW-Authenticate Bearer invalid_token when no credential is sent', async () => {
    const res = await request(f.app.callback()).get('/things').expect(401);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.headers['www-authenticate']).toMatch(/^Bearer .*error="invalid_token"/);
    expect(res.body).toMatchObject({ status: 401, code: 'invalid_token', title: 'Unauthorized' });
  });

  it('answers 400 invalid_request when two credentials are sent at once', async () => {
    const { key } = await f.addKey();
    const res = await request(f.app.callback()).get('/things').set('Authorization', `Bearer ${await f.signer.mint()}`).set('X-API-Key', key).expect(400);
    expect(res.body.code).toBe('invalid_request');
  });

  it('answers 403 insufficient_scope naming the missing permission', async () => {
    const { key } = await f.addKey({ permissions: ['invoices:read', 'orders:write'] });
    const res = await request(f.app.callback()).post('/things/write').set('X-API-Key', key).expect(403);
    expect(res.body).toMatchObject({ code: 'insufficient_scope', required_permissions: ['invoices:write'] });
    expect(res.headers['www-authenticate']).toContain('scope="invoices:write"');
  });

  it('refuses unsafe methods to a read-only credential with 403', async () => {
    const { key } = await f.addKey({ permissions: ['invoices:read'] });
    await request(f.app.callback()).get('/things').set('X-API-Key', key).expect(200);
    const res = await request(f.app.callback()).post('/things').set('X-API-Key', key).expect(403);
    expect(res.body.code).toBe('read_only_credential');
    const jwt = await f.signer.mint({ scope: 'openid invoices:read' });
    expect((await request(f.app.callback()).post('/things').set('Authorization', `Bearer ${jwt}`).expect(403)).body.code).toBe('read_only_credential');
  });

  it('refuses a test key on a live-only route with 403 wrong_environment, and lets a live key and a JWT through', async () => {
    const test = await f.addKey({ environment: 'test' });
    const live = await f.addKey({ environment: 'live' });
    expect((await request(f.app.callback()).get('/live-only').set('X-API-Key', test.key).expect(403)).body.code).toBe('wrong_environment');
    await request(f.app.callback()).get('/live-only').set('X-API-Key', live.key).expect(200);
    await request(f.app.callback()).get('/live-only').set('Authorization', `Bearer ${await f.signer.mint()}`).expect(200);
  });

  it("answers 429 with Retry-After, RateLimit headers and retry_after once a key's own limit is used", async () => {
    const { key } = await f.addKey({ rateLimit: { limit: 3, windowSeconds: 3600 } });
    for (let i = 0; i < 3; i++) await request(f.app.callback()).get('/things').set('X-API-Key', key).expect(200);
    const res = await request(f.app.callback()).get('/things').set('X-API-Key', key).expect(429);
    expect(res.body).toMatchObject({ code: 'rate_limited', status: 429 });
    expect(res.body.retry_after).toBeGreaterThan(0);
    expect(res.headers['retry-after']).toBe(String(res.body.retry_after));
    expect(res.headers['ratelimit-limit']).toBe('3');
    expect(res.headers['ratelimit-remaining']).toBe('0');
  });

  it("applies the organization's plan limit to every credential of the organization together", async () => {
    const g = await fixture({ planLimit: 4 });
    try {
      const a = await g.addKey();
      const b = await g.addKey();
      const jwt = await g.signer.mint();
      const statuses: number[] = [];
      for (const creds of [a.key, b.key, a.key, b.key]) statuses.push((await request(g.app.callback()).get('/things').set('X-API-Key', creds)).status);
      statuses.push((await request(g.app.callback()).get('/things').set('Authorization', `Bearer ${jwt}`)).status);
      statuses.push((await request(g.app.callback()).get('/things').set('X-API-Key', a.key)).status);
      expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);
    } finally {
      await g.close();
    }
  });
});
