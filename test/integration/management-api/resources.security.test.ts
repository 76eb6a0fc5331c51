import { MANAGEMENT_PERMISSIONS } from '../../../src/domain/permissions.js';
import { mintKey, seedOrganization, seededSuite } from '../../support/seed.js';

const s = seededSuite();

describe('resources: tenancy and permissions', () => {
  it("answers 404 for another organization's resources, 403 without resources:write", async () => {
    const { body } = await s.api().post('/v1/organizations/acme/resources').set('X-API-Key', s.adminKey)
      .send({ identifier: 'https://secret.acme.test', permissions: ['secret:read'] }).expect(201);
    const other = await seedOrganization(s.gatehouse, 'wayne');
    const key = (await mintKey(s.gatehouse, other.id, MANAGEMENT_PERMISSIONS)).key;
    await s.api().get(`/v1/organizations/wayne/resources/${body.id}`).set('X-API-Key', key).expect(404);
    await s.api().delete(`/v1/organizations/wayne/resources/${body.id}`).set('X-API-Key', key).expect(404);
    const reader = await mintKey(s.gatehouse, s.org.id, ['resources:read']);
    const res = await s.api().delete(`/v1/organizations/acme/resources/${body.id}`).set('X-API-Key', reader.key);
    expect(res.status).toBe(403);
  });

  it('the management API identifier cannot be registered', async () => {
    const res = await s.api().post('/v1/organizations/acme/resources').set('X-API-Key', s.adminKey)
      .send({ identifier: `${s.gatehouse.config.issuer}/v1`, permissions: ['mgmt:read'] });
    expect(res.status).toBe(400);
  });
});
