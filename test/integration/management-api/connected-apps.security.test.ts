import { MANAGEMENT_PERMISSIONS } from '../../../src/domain/permissions.js';
import { mintKey, seedOrganization, seededSuite } from '../../support/seed.js';
import { connect, vendorApp } from './connected-apps-fixture.js';

const s = seededSuite();

describe('connected apps: tenancy and escalation', () => {
  it('an organization sees and disconnects only the authorizations acting for itself', async () => {
    const { client } = await vendorApp(s.gatehouse, 'vendor-tenancy');
    const beta = await seedOrganization(s.gatehouse, 'beta-tenancy');
    const betaKey = (await mintKey(s.gatehouse, beta.id, MANAGEMENT_PERMISSIONS)).key;
    await connect(s.gatehouse, s.org.id, client.clientId, s.adminUserId, ['users:read']);
    // beta cannot look into acme, and its own list does not show acme's authorization
    await s.api().get('/v1/organizations/acme/connected-apps').set('X-API-Key', betaKey).expect(404);
    expect((await s.api().get('/v1/organizations/beta-tenancy/connected-apps').set('X-API-Key', betaKey).expect(200)).body.data).toEqual([]);
    // disconnecting the same app in beta touches nothing of acme's
    await s.api().delete(`/v1/organizations/beta-tenancy/connected-apps/${client.clientId}`).set('X-API-Key', betaKey).expect(404);
    await s.api().delete(`/v1/organizations/acme/connected-apps/${client.clientId}`).set('X-API-Key', betaKey).expect(404);
    expect(await s.gatehouse.store.appConnections.find(s.org.id, client.clientId, s.adminUserId)).not.toBeNull();
  });

  it('the app\'s owner cannot see nor disconnect who authorized it elsewhere', async () => {
    const { vendor, client } = await vendorApp(s.gatehouse, 'vendor-owner');
    const ownerKey = (await mintKey(s.gatehouse, vendor.id, MANAGEMENT_PERMISSIONS)).key;
    await connect(s.gatehouse, s.org.id, client.clientId, s.adminUserId, ['users:read']);
    expect((await s.api().get('/v1/organizations/vendor-owner/connected-apps').set('X-API-Key', ownerKey).expect(200)).body.data).toEqual([]);
    await s.api().delete(`/v1/organizations/vendor-owner/connected-apps/${client.clientId}`).set('X-API-Key', ownerKey).expect(404);
    expect(await s.gatehouse.store.appConnections.find(s.org.id, client.clientId, s.adminUserId)).not.toBeNull();
  });

  it('needs clients:read to list and clients:write to disconnect', async () => {
    const { client } = await vendorApp(s.gatehouse, 'vendor-perms');
    await connect(s.gatehouse, s.org.id, client.clientId, s.adminUserId, ['users:read']);
    const none = (await mintKey(s.gatehouse, s.org.id, ['users:read'])).key;
    const reader = (await mintKey(s.gatehouse, s.org.id, ['clients:read', 'users:read'])).key;
    await s.api().get('/v1/organizations/acme/connected-apps').set('X-API-Key', none).expect(403);
    await s.api().get('/v1/organizations/acme/connected-apps').set('X-API-Key', reader).expect(200);
    await s.api().delete(`/v1/organizations/acme/connected-apps/${client.clientId}`).set('X-API-Key', reader).expect(403);
    await s.api().delete(`/v1/organizations/acme/connected-apps/${client.clientId}`).expect(401);
    expect(await s.gatehouse.store.appConnections.find(s.org.id, client.clientId, s.adminUserId)).not.toBeNull();
  });

  it('refuses (403 permission_escalation) to disconnect an app holding permissions the caller lacks, and changes nothing', async () => {
    const { client } = await vendorApp(s.gatehouse, 'vendor-strong');
    await connect(s.gatehouse, s.org.id, client.clientId, s.adminUserId, ['users:read', 'api_keys:write']);
    const weak = (await mintKey(s.gatehouse, s.org.id, ['clients:write', 'clients:read', 'users:read'])).key;
    const res = await s.api().delete(`/v1/organizations/acme/connected-apps/${client.clientId}`).set('X-API-Key', weak);
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ code: 'permission_escalation', permissions: ['api_keys:write'] });
    expect(await s.gatehouse.store.appConnections.find(s.org.id, client.clientId, s.adminUserId)).not.toBeNull();
    await s.api().delete(`/v1/organizations/acme/connected-apps/${client.clientId}`).set('X-API-Key', s.adminKey).expect(204);
  });
});
