import request from 'supertest';
import { fixture, type Fixture } from './fixtures.js';

describe('authenticate: valid credentials', () => {
  let f: Fixture;
  beforeAll(async () => { f = await fixture(); });
  afterAll(() => f.close());

  it('accepts an API key as a bearer token and sets the api_key principal', async () => {
    const { key, record } = await f.addKey({ permissions: ['invoices:read', 'invoices:write'] });
    const res = await request(f.app.callback()).get('/things').set('Authorization', `Bearer ${key}`).expect(200);
    expect(res.body.principal).toEqual({
      type: 'api_key', subject: record.id, key_id: record.id, organization: 'org_1', environment: 'live',
      permissions: ['invoices:read', 'invoices:write'], metadata: {},
    });
  });

  it('accepts an API key in X-API-Key and records its use in memory', async () => {
    const { key, record } = await f.addKey();
    await request(f.app.callback()).get('/things').set('X-API-Key', key).expect(200);
    expect(f.touched).toContain(record.id);
  });

  it('accepts a JWT access token and sets a user principal', async () => {
    const res = await request(f.app.callback()).get('/things').set('Authorization', `Bearer ${await f.signer.mint()}`).expect(200);
    expect(res.body.principal).toEqual({
      type: 'user', subject: 'usr_1', client_id: 'cli_1', organization: 'org_1', environment: null, permissions: ['invoices:read'],
    });
  });

  it('puts RateLimit headers on every authenticated response, including a 403', async () => {
    const { key } = await f.addKey({ rateLimit: { limit: 50, windowSeconds: 3600 } });
    const ok = await request(f.app.callback()).get('/things').set('X-API-Key', key).expect(200);
    expect(ok.headers['ratelimit-limit']).toBe('50');
    expect(Number(ok.headers['ratelimit-remaining'])).toBe(49);
    expect(Number(ok.headers['ratelimit-reset'])).toBeGreaterThan(0);
    const denied = await request(f.app.callback()).get('/things/write').set('X-API-Key', key).expect(403);
    expect(denied.headers['ratelimit-limit']).toBe('50');
    expect(denied.headers['ratelimit-remaining']).toBe('48');
    const jwt = await request(f.app.callback()).get('/things').set('Authorization', `Bearer ${await f.signer.mint()}`).expect(200);
    expect(jwt.headers['ratelimit-limit']).toBe('10000');
  });

  it('serves a repeated key from its cache: one store read for many requests', async () => {
    // staleness far beyond the loop, however slow the machine: this is about the count (staleness: api-key-cache.test.ts)
    const g = await fixture({ cacheStalenessMs: 600_000 });
    try {
      const { key } = await g.addKey();
      g.calls.reset();
      for (let i = 0; i < 20; i++) await request(g.app.callback()).get('/things').set('X-API-Key', key).expect(200);
      expect(g.calls.of('apiKeys.findById')).toBe(1);
      expect(g.calls.of('usage')).toBe(0);
    } finally {
      await g.close();
    }
  });

  it('accepts ?api_key= only when the configuration allows it', async () => {
    const g = await fixture({ allowQueryParam: true });
    try {
      const { key } = await g.addKey();
      await request(g.app.callback()).get(`/things?api_key=${key}`).expect(200);
    } finally {
      await g.close();
    }
  });
});
