import { mintKey, seedOrganization, seededSuite } from '../../support/seed.js';

const s = seededSuite();

describe('organizations: scope', () => {
  it('an organization credential cannot create or list organizations (403 server_scope_required)', async () => {
    const create = await s.api().post('/v1/organizations').set('X-API-Key', s.adminKey).send({ slug: 'mine' });
    expect(create.status).toBe(403);
    expect(create.body.code).toBe('server_scope_required');
    await s.api().get('/v1/organizations').set('X-API-Key', s.adminKey).expect(403);
  });

  it('another organization is not found, not forbidden', async () => {
    const other = await seedOrganization(s.gatehouse, 'umbrella');
    const res = await s.api().get(`/v1/organizations/${other.id}`).set('X-API-Key', s.adminKey);
    expect(res.status).toBe(404);
    const missing = await s.api().get('/v1/organizations/does-not-exist').set('X-API-Key', s.adminKey);
    expect(res.body).toEqual(missing.body);
  });

  it('a server key without organizations:write cannot create one', async () => {
    const reader = await mintKey(s.gatehouse, null, ['organizations:read']);
    const res = await s.api().post('/v1/organizations').set('X-API-Key', reader.key).send({ slug: 'nope' });
    expect(res.status).toBe(403);
  });
});
