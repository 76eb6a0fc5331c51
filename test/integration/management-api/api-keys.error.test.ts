import { MANAGEMENT_PERMISSIONS } from '../../../src/domain/permissions.js';
import { expectFieldProblem, mintKey, seededSuite } from '../../support/seed.js';

const s = seededSuite();

const auth = () => ({ Authorization: `Bearer ${s.adminKey}` });
const create = (body: unknown) => s.api().post('/v1/organizations/acme/api-keys').set(auth()).send(body as object);

describe('API keys: bad requests', () => {
  it.each([
    ['a missing name', { permissions: ['api_keys:read'] }, 'name'],
    ['an empty name', { name: '  ', permissions: ['api_keys:read'] }, 'name'],
    ['missing permissions', { name: 'x' }, 'permissions'],
    ['an empty permission list', { name: 'x', permissions: [] }, 'permissions'],
    ['a permission that is not resource:action', { name: 'x', permissions: ['READ ALL'] }, 'permissions[0]'],
    ['a permission outside the vocabulary', { name: 'x', permissions: ['api_keys:read', 'rockets:launch'] }, 'permissions[1]'],
    ['an unknown environment', { name: 'x', permissions: ['api_keys:read'], environment: 'prod' }, 'environment'],
    ['a malformed duration', { name: 'x', permissions: ['api_keys:read'], expires_in: '3 weeks' }, 'expires_in'],
    ['a lifetime beyond ten years', { name: 'x', permissions: ['api_keys:read'], expires_in: '4000d' }, 'expires_in'],
    ['a bad CIDR', { name: 'x', permissions: ['api_keys:read'], ip_allowlist: ['10.0.0.0/8', '10.0.0.0/40'] }, 'ip_allowlist[1]'],
    ['a bad rate limit', { name: 'x', permissions: ['api_keys:read'], rate_limit: { limit: 0, window_seconds: 60 } }, 'rate_limit.limit'],
    ['a name of the wrong type', { name: 42, permissions: ['api_keys:read'] }, 'name'],
  ])('answers 400 naming the field for %s', async (_label, body, field) => {
    expectFieldProblem(await create(body), field);
  });

  it.each(['0', '101', 'ten'])('answers 400 for limit=%s', async (limit) => {
    expectFieldProblem(await s.api().get(`/v1/organizations/acme/api-keys?limit=${limit}`).set(auth()), 'limit');
  });

  it('answers 400 for a status filter it does not know', async () => {
    expectFieldProblem(await s.api().get('/v1/organizations/acme/api-keys?status=sleeping').set(auth()), 'status');
  });

  it('answers 400 for malformed JSON and 415 for another content type', async () => {
    const malformed = await s.api().post('/v1/organizations/acme/api-keys').set(auth()).set('Content-Type', 'application/json').send('{"name":');
    expect(malformed.status).toBe(400);
    expect(malformed.body.code).toBe('malformed_json');
    const form = await s.api().post('/v1/organizations/acme/api-keys').set(auth()).type('form').send('name=x');
    expect(form.status).toBe(415);
  });

  it('answers 404 for an unknown key and an unknown organization', async () => {
    const missing = await s.api().get('/v1/organizations/acme/api-keys/key_01aaaaaaaaaaaaaaaaaaaaaaaa').set(auth());
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('not_found');
    await s.api().get('/v1/organizations/nowhere/api-keys').set(`Authorization`, `Bearer ${s.serverKey}`).expect(404);
    await s.api().delete('/v1/organizations/acme/api-keys/key_01aaaaaaaaaaaaaaaaaaaaaaaa').set(auth()).expect(404);
  });

  it('answers 409 when rotating or updating a revoked key', async () => {
    const { id } = await mintKey(s.gatehouse, s.org.id, ['api_keys:read']);
    await s.api().delete(`/v1/organizations/acme/api-keys/${id}`).set(auth()).expect(204);
    const rotate = await s.api().post(`/v1/organizations/acme/api-keys/${id}/rotate`).set(auth()).send({});
    expect(rotate.status).toBe(409);
    expect(rotate.body.code).toBe('key_not_active');
    await s.api().patch(`/v1/organizations/acme/api-keys/${id}`).set(auth()).send({ name: 'n' }).expect(409);
  });

  it('answers 409 when rotating a key a second time', async () => {
    const { id } = await mintKey(s.gatehouse, s.org.id, ['api_keys:read']);
    await s.api().post(`/v1/organizations/acme/api-keys/${id}/rotate`).set(auth()).send({ grace_period: '1h' }).expect(201);
    const again = await s.api().post(`/v1/organizations/acme/api-keys/${id}/rotate`).set(auth()).send({});
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('already_rotated');
  });

  it('answers 400 for a bad grace period', async () => {
    const { id } = await mintKey(s.gatehouse, s.org.id, ['api_keys:read']);
    expectFieldProblem(await s.api().post(`/v1/organizations/acme/api-keys/${id}/rotate`).set(auth()).send({ grace_period: -5 }), 'grace_period');
    await s.api().delete(`/v1/organizations/acme/api-keys/${id}`).set(auth()).expect(204);
  });

  it('answers 401 with WWW-Authenticate when no credential is sent', async () => {
    const res = await s.api().get('/v1/organizations/acme/api-keys');
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toMatch(/^Bearer .*error="invalid_token"/);
    expect(res.type).toBe('application/problem+json');
  });

  it('answers 403 key_limit_reached, saying so, once the plan cap is reached', async () => {
    const org = await s.gatehouse.identity.organizations.create({ slug: 'capped' });
    const admin = await mintKey(s.gatehouse, org.id, MANAGEMENT_PERMISSIONS);
    for (let i = 1; i < 10; i++) {
      await s.api().post('/v1/organizations/capped/api-keys').set('X-API-Key', admin.key).send({ name: `k${i}`, permissions: ['api_keys:read'] }).expect(201);
    }
    const over = await s.api().post('/v1/organizations/capped/api-keys').set('X-API-Key', admin.key).send({ name: 'k10', permissions: ['api_keys:read'] });
    expect(over.status).toBe(403);
    expect(over.body.code).toBe('key_limit_reached');
    expect(over.body.detail).toMatch(/10 active API keys/);
  });
});
