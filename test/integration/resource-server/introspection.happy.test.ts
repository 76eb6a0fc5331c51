import { OPERATOR } from '../../../src/audit/actor.js';
import request from 'supertest';
import { basic, introspectionFixture } from './introspection-fixture.js';

describe('POST /token/introspection answers for API keys (RFC 7662)', () => {
  let f: Awaited<ReturnType<typeof introspectionFixture>>;
  beforeAll(async () => { f = await introspectionFixture(); });
  afterAll(() => f.close());

  it('describes an active key of the client\'s organization (client_secret_basic)', async () => {
    const rs = await f.client(f.acme.id);
    const { record, key } = await f.key(f.acme.id, { environment: 'test', expiresInSeconds: 3600, ipAllowlist: ['10.0.0.0/8'], rateLimit: { limit: 5, windowSeconds: 60 }, metadata: { customer: 'c_1' } });
    const res = await f.introspect({ token: key }, basic(rs.id, rs.secret)).expect(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toEqual({
      active: true, token_type: 'api_key', scope: 'users:read roles:read', organization: f.acme.id, environment: 'test',
      key_id: record.id, sub: record.id, iat: Math.floor(record.createdAt.getTime() / 1000),
      exp: Math.floor(record.expiresAt!.getTime() / 1000), ip_allowlist: ['10.0.0.0/8'], rate_limit: { limit: 5, window_seconds: 60 },
      metadata: { customer: 'c_1' },
    });
  });

  it('answers {"active": false} for a disabled key, like a revoked one', async () => {
    const rs = await f.client(f.acme.id);
    const { record, key } = await f.key(f.acme.id);
    await f.gh.apiKeys.update(OPERATOR, f.acme.id, record.id, { enabled: false });
    expect((await f.introspect({ token: key }, basic(rs.id, rs.secret)).expect(200)).body).toEqual({ active: false });
  });

  it('accepts client_secret_post too, and omits exp for a key that never expires', async () => {
    const rs = await f.client(f.acme.id);
    const { key } = await f.key(f.acme.id);
    const res = await f.introspect({ token: key, client_id: rs.id, client_secret: rs.secret, token_type_hint: 'api_key' }).expect(200);
    expect(res.body.active).toBe(true);
    expect(res.body).not.toHaveProperty('exp');
  });

  it('describes a JWT access token to its own client and to clients of its organization', async () => {
    const rs = await f.client(f.acme.id);
    const peer = await f.client(f.acme.id);
    const outsider = await f.client(f.other.id);
    const token = await request(f.gh.app.callback()).post('/token').type('form')
      .send({ grant_type: 'client_credentials', client_id: rs.id, client_secret: rs.secret, scope: 'users:read' }).expect(200);
    const jwt = token.body.access_token as string;
    for (const who of [rs, peer]) {
      const res = await f.introspect({ token: jwt, client_id: who.id, client_secret: who.secret }).expect(200);
      expect(res.body).toMatchObject({
        active: true, token_type: 'Bearer', client_id: rs.id, sub: rs.id, organization: f.acme.id, iss: f.gh.config.issuer,
        aud: `${f.gh.config.issuer}/v1`, scope: 'users:read',
      });
    }
    expect((await f.introspect({ token: jwt }, basic(outsider.id, outsider.secret)).expect(200)).body).toEqual({ active: false });
  });

  it('hands other tokens to oidc-provider with the form body intact (client_secret_post)', async () => {
    const rs = await f.client(f.acme.id);
    const res = await f.introspect({ token: 'some-opaque-token', client_id: rs.id, client_secret: rs.secret }).expect(200);
    expect(res.body).toEqual({ active: false });
    // a failed client authentication there proves the provider read the very same body
    expect((await f.introspect({ token: 'some-opaque-token', client_id: rs.id, client_secret: 'wrong' })).status).toBe(401);
  });
});
