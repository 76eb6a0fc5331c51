import { MANAGEMENT_PERMISSIONS } from '../../../src/domain/permissions.js';
import { mintKey, seedOrganization, seededSuite } from '../../support/seed.js';

const s = seededSuite();

describe('roles: no escalation', () => {
  it('a roles:write key cannot define a role holding permissions it lacks', async () => {
    const writer = await mintKey(s.gatehouse, s.org.id, ['roles:write', 'roles:read']);
    const res = await s.api().post('/v1/organizations/acme/roles').set('X-API-Key', writer.key).send({ name: 'god', permissions: ['api_keys:write'] });
    expect(res.status).toBe(403);
    expect(res.body.detail).toContain('api_keys:write');
    await s.api().post('/v1/organizations/acme/roles').set('X-API-Key', writer.key).send({ name: 'humble', permissions: ['roles:read'] }).expect(201);
    await s.api().patch('/v1/organizations/acme/roles/humble').set('X-API-Key', writer.key).send({ permissions: ['users:write'] }).expect(403);
  });

  it("answers 404 for another organization's roles", async () => {
    await s.api().post('/v1/organizations/acme/roles').set('X-API-Key', s.adminKey).send({ name: 'private', permissions: ['audit:read'] }).expect(201);
    const other = await seedOrganization(s.gatehouse, 'piedpiper');
    const key = (await mintKey(s.gatehouse, other.id, MANAGEMENT_PERMISSIONS)).key;
    await s.api().get('/v1/organizations/acme/roles/private').set('X-API-Key', key).expect(404);
    await s.api().get('/v1/organizations/piedpiper/roles/private').set('X-API-Key', key).expect(404);
  });
});
