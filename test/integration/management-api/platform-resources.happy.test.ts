import { MANAGEMENT_PERMISSIONS } from '../../../src/domain/permissions.js';
import { mintKey, seedOrganization, seededSuite } from '../../support/seed.js';

const s = seededSuite();

const server = () => ({ 'X-API-Key': s.serverKey });

describe('platform resources (/v1/resources)', () => {
  it('registers the operator\'s API (201); every organization can then grant its permissions, and its admins hold them', async () => {
    const created = await s.api().post('/v1/resources').set(server())
      .send({ identifier: 'https://api.platform.test', name: 'Pipelines API', permissions: ['pipelines:read', 'pipelines:run'] });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ object: 'resource', identifier: 'https://api.platform.test', name: 'Pipelines API', permissions: ['pipelines:read', 'pipelines:run'] });
    expect((await s.api().get('/v1/resources').set(server()).expect(200)).body.data.map((r: { id: string }) => r.id)).toEqual([created.body.id]);
    await s.api().get(`/v1/resources/${created.body.id}`).set(server()).expect(200);
    // not an organization's own API
    expect((await s.api().get('/v1/organizations/acme/resources').set('X-API-Key', s.adminKey).expect(200)).body.data).toEqual([]);

    // two organizations grant it through the API, with credentials holding it
    const globex = await seedOrganization(s.gatehouse, 'globex-platform');
    for (const org of [s.org, globex]) {
      const holder = { 'X-API-Key': (await mintKey(s.gatehouse, org.id, [...MANAGEMENT_PERMISSIONS, 'pipelines:read', 'pipelines:run'])).key };
      const role = await s.api().post(`/v1/organizations/${org.slug}/roles`).set(holder).send({ name: 'ci', permissions: ['pipelines:run'] });
      expect(role.status).toBe(201);
      const key = await s.api().post(`/v1/organizations/${org.slug}/api-keys`).set(holder).send({ name: 'runner', permissions: ['pipelines:run'] });
      expect([key.status, key.body.permissions]).toEqual([201, ['pipelines:run']]);
    }
    const admin = await s.gatehouse.identity.permissions.permissionsIn(s.org.id, s.adminUserId);
    expect(admin).toEqual(expect.arrayContaining(['pipelines:read', 'pipelines:run']));
  });

  it('updates and deletes one by a server credential holding its permissions; what it drops leaves every holder', async () => {
    const { body } = await s.api().post('/v1/resources').set(server()).send({ identifier: 'https://deploys.platform.test', permissions: ['deploys:read', 'deploys:run'] }).expect(201);
    const operator = { 'X-API-Key': (await mintKey(s.gatehouse, null, [...MANAGEMENT_PERMISSIONS, 'deploys:*'])).key };
    const key = await mintKey(s.gatehouse, s.org.id, ['deploys:read', 'deploys:run']);
    const patched = await s.api().patch(`/v1/resources/${body.id}`).set(operator).send({ name: 'Deploys', permissions: ['deploys:read'] }).expect(200);
    expect(patched.body).toMatchObject({ name: 'Deploys', permissions: ['deploys:read'] });
    expect((await s.gatehouse.store.apiKeys.findById(key.id))!.permissions).toEqual(['deploys:read']);
    await s.api().delete(`/v1/resources/${body.id}`).set(operator).expect(204);
    expect((await s.gatehouse.store.apiKeys.findById(key.id))!.permissions).toEqual([]);
    await s.api().get(`/v1/resources/${body.id}`).set(server()).expect(404);
  });

  it('audits each change in the server scope', async () => {
    const { body } = await s.api().post('/v1/resources').set(server()).send({ identifier: 'https://audited.platform.test', permissions: ['audited.things:read'] }).expect(201);
    const events = (await s.gatehouse.store.audit.list(null, { limit: 10 })).items;
    expect(events.find((e) => e.action === 'platform_resource.created')).toMatchObject({
      organizationId: null, target: { type: 'platform_resource', id: body.id }, metadata: { permissions: ['audited.things:read'] },
    });
  });
});
