import { MANAGEMENT_PERMISSIONS } from '../../../src/domain/permissions.js';
import { mintKey, seededSuite } from '../../support/seed.js';
import { OPERATOR } from '../../../src/audit/actor.js';

const s = seededSuite();
/** an acme key with every management permission and the invoices API's */
let owner: string;
beforeAll(async () => {
  await s.gatehouse.identity.organizations.update(s.org.id, { plan: 'pro' }); // room for many keys
  await s.gatehouse.identity.resources.create(OPERATOR, s.org.id, { identifier: 'https://api.acme.test', permissions: ['invoices:read', 'invoices:write'] });
  owner = (await mintKey(s.gatehouse, s.org.id, [...MANAGEMENT_PERMISSIONS, 'invoices:*'])).key;
});

const auth = (key: string) => ({ Authorization: `Bearer ${key}` });

describe('API keys: create, use, list, get, update, rotate, revoke', () => {
  it('creates a key (201, the plaintext once) that authenticates at once', async () => {
    const created = await s.api().post(`/v1/organizations/acme/api-keys`).set(auth(owner))
      .send({ name: 'billing', permissions: ['invoices:read', 'api_keys:read'], expires_in: '90d', ip_allowlist: ['0.0.0.0/0', '::/0'], rate_limit: { limit: 100, window_seconds: 60 } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      object: 'api_key', name: 'billing', environment: 'live', status: 'active', organization: s.org.id,
      permissions: ['invoices:read', 'api_keys:read'], ip_allowlist: ['0.0.0.0/0', '::/0'], rate_limit: { limit: 100, window_seconds: 60 },
      created_by: expect.stringMatching(/^api_key:key_/), last_used_at: null, rotated_to: null,
    });
    expect(created.body.key).toMatch(/^ak_live_[0-9A-Za-z]+$/);
    expect(created.body.key.slice(8, 14)).toBe(created.body.start);
    expect(Date.parse(created.body.expires_at) - Date.parse(created.body.created_at)).toBe(90 * 86_400_000);

    const used = await s.api().get(`/v1/organizations/${s.org.id}/api-keys/${created.body.id}`).set('X-API-Key', created.body.key);
    expect(used.status).toBe(200);
    expect(used.body.key).toBeUndefined();
    expect(used.body.last_used_at).not.toBeNull();
  });

  it('lists keys newest first with cursor paging and a status filter', async () => {
    for (const name of ['p1', 'p2', 'p3']) {
      await s.api().post('/v1/organizations/acme/api-keys').set(auth(owner)).send({ name, permissions: ['invoices:read'] }).expect(201);
    }
    const first = await s.api().get('/v1/organizations/acme/api-keys?limit=2').set(auth(owner)).expect(200);
    expect(first.body.data.map((k: { name: string }) => k.name)).toEqual(['p3', 'p2']);
    expect(first.body.next_cursor).toEqual(expect.any(String));
    const second = await s.api().get(`/v1/organizations/acme/api-keys?limit=2&cursor=${first.body.next_cursor}`).set(auth(owner)).expect(200);
    expect(second.body.data[0].name).toBe('p1');
    const revoked = await s.api().get('/v1/organizations/acme/api-keys?status=revoked').set(auth(owner)).expect(200);
    expect(revoked.body.data).toEqual([]);
  });

  it('updates name, permissions (narrowing), allowlist and rate limit', async () => {
    const { body: key } = await s.api().post('/v1/organizations/acme/api-keys').set(auth(owner))
      .send({ name: 'old', permissions: ['invoices:read', 'invoices:write'] }).expect(201);
    const patched = await s.api().patch(`/v1/organizations/acme/api-keys/${key.id}`).set(auth(owner))
      .send({ name: 'new', permissions: ['invoices:read'], ip_allowlist: ['10.1.2.3/8'], rate_limit: null });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ name: 'new', permissions: ['invoices:read'], ip_allowlist: ['10.0.0.0/8'], rate_limit: null });
  });

  it('rotates: a new key (201) with the same settings; the old one works through the grace period', async () => {
    const { body: old } = await s.api().post('/v1/organizations/acme/api-keys').set(auth(owner))
      .send({ name: 'rotating', permissions: ['api_keys:read'] }).expect(201);
    const rotated = await s.api().post(`/v1/organizations/acme/api-keys/${old.id}/rotate`).set(auth(owner)).send({ grace_period: '1h' });
    expect(rotated.status).toBe(201);
    expect(rotated.body).toMatchObject({ name: 'rotating', permissions: ['api_keys:read'], status: 'active' });
    expect(rotated.body.key).not.toBe(old.key);
    await s.api().get('/v1/organizations/acme/api-keys').set(auth(rotated.body.key)).expect(200);
    await s.api().get('/v1/organizations/acme/api-keys').set(auth(old.key)).expect(200);
    const oldNow = await s.api().get(`/v1/organizations/acme/api-keys/${old.id}`).set(auth(owner)).expect(200);
    expect(oldNow.body.rotated_to).toBe(rotated.body.id);
    expect(Date.parse(oldNow.body.expires_at) - Date.now()).toBeGreaterThan(3_500_000);
  });

  it('rotation with a short grace period: the old key fails once it ends', async () => {
    const { body: old } = await s.api().post('/v1/organizations/acme/api-keys').set(auth(owner))
      .send({ name: 'short', permissions: ['api_keys:read'] }).expect(201);
    await s.api().post(`/v1/organizations/acme/api-keys/${old.id}/rotate`).set(auth(owner)).send({ grace_period: 1 }).expect(201);
    await s.api().get('/v1/organizations/acme/api-keys').set(auth(old.key)).expect(200);
    await new Promise((r) => setTimeout(r, 1100));
    await s.api().get('/v1/organizations/acme/api-keys').set(auth(old.key)).expect(401);
  });

  it('rotation with grace_period 0 stops the old key at once', async () => {
    const { body: old } = await s.api().post('/v1/organizations/acme/api-keys').set(auth(owner))
      .send({ name: 'now', permissions: ['api_keys:read'] }).expect(201);
    await s.api().post(`/v1/organizations/acme/api-keys/${old.id}/rotate`).set(auth(owner)).send({ grace_period: 0 }).expect(201);
    await s.api().get('/v1/organizations/acme/api-keys').set(auth(old.key)).expect(401);
  });

  it('revokes (204): the key fails from the next request on', async () => {
    const { body: key } = await s.api().post('/v1/organizations/acme/api-keys').set(auth(owner))
      .send({ name: 'doomed', permissions: ['api_keys:read'] }).expect(201);
    await s.api().get('/v1/organizations/acme/api-keys').set(auth(key.key)).expect(200);
    await s.api().delete(`/v1/organizations/acme/api-keys/${key.id}`).set(auth(owner)).expect(204);
    await s.api().get('/v1/organizations/acme/api-keys').set(auth(key.key)).expect(401);
    const after = await s.api().get(`/v1/organizations/acme/api-keys/${key.id}`).set(auth(owner)).expect(200);
    expect(after.body.status).toBe('revoked');
  });

  it('reports usage per day', async () => {
    const { body: key } = await s.api().post('/v1/organizations/acme/api-keys').set(auth(owner))
      .send({ name: 'counted', permissions: ['api_keys:read'] }).expect(201);
    for (let i = 0; i < 3; i++) await s.api().get('/v1/organizations/acme/api-keys?limit=1').set(auth(key.key)).expect(200);
    const usage = await s.api().get(`/v1/organizations/acme/api-keys/${key.id}/usage`).set(auth(owner)).expect(200);
    expect(usage.body).toEqual({ key_id: key.id, days: [{ day: new Date().toISOString().slice(0, 10), count: 3 }] });
  });

  it('creates server-scoped keys with a server credential', async () => {
    const created = await s.api().post('/v1/api-keys').set(auth(s.serverKey)).send({ name: 'ops', permissions: ['organizations:read'] });
    expect(created.status).toBe(201);
    expect(created.body.organization).toBeNull();
    await s.api().get('/v1/organizations').set(auth(created.body.key)).expect(200);
  });
});
