import { seededSuite } from '../../support/seed.js';
import { connect, vendorApp } from './connected-apps-fixture.js';

const s = seededSuite();
const as = () => ({ 'X-API-Key': s.adminKey });

describe('connected apps', () => {
  it('lists each app the members authorized once, with its owner, the members and the union of what they granted', async () => {
    const { vendor, client } = await vendorApp(s.gatehouse, 'vendor-happy');
    const { user: bob } = await s.gatehouse.identity.users.create({ email: 'bob@acme.test', password: s.adminPassword, organizationId: s.org.id, roles: ['member'] });
    await connect(s.gatehouse, s.org.id, client.clientId, s.adminUserId, ['users:read', 'users:write']);
    await connect(s.gatehouse, s.org.id, client.clientId, bob.id, ['users:read']);
    const res = await s.api().get('/v1/organizations/acme/connected-apps').set(as()).expect(200);
    expect(res.body.next_cursor).toBeNull();
    expect(res.body.data).toHaveLength(1);
    const [app] = res.body.data;
    expect(app).toMatchObject({
      object: 'connected_app', client_id: client.clientId, name: 'Vendor app', multi_organization: true,
      owner_organization: { id: vendor.id, slug: 'vendor-happy', name: 'vendor-happy Inc' }, members_truncated: false,
    });
    expect(app.permissions.sort()).toEqual(['users:read', 'users:write']);
    expect(app.members.map((m: { email: string }) => m.email)).toEqual(['bob@acme.test', 'admin@acme.test']);
    expect(app.members[0]).toMatchObject({ user_id: bob.id, scopes: ['openid', 'email'], permissions: ['users:read'] });
    expect(Date.parse(app.first_authorized_at)).toBeLessThanOrEqual(Date.parse(app.last_authorized_at));
    const one = await s.api().get(`/v1/organizations/acme/connected-apps/${client.clientId}`).set(as()).expect(200);
    expect(one.body).toEqual(app);
  });

  it('pages through apps, newest first', async () => {
    const apps = [];
    for (const slug of ['pager-a', 'pager-b', 'pager-c']) {
      const { client } = await vendorApp(s.gatehouse, slug);
      await connect(s.gatehouse, s.org.id, client.clientId, s.adminUserId, ['users:read']);
      apps.push(client.clientId);
    }
    const first = await s.api().get('/v1/organizations/acme/connected-apps?limit=2').set(as()).expect(200);
    const second = await s.api().get(`/v1/organizations/acme/connected-apps?limit=2&cursor=${first.body.next_cursor}`).set(as()).expect(200);
    const ids = [...first.body.data, ...second.body.data].map((a: { client_id: string }) => a.client_id);
    expect(ids.slice(0, 3)).toEqual([...apps].reverse());
  });

  it('disconnects an app (204): its connections are gone, audited as app.disconnected in this organization', async () => {
    const { client } = await vendorApp(s.gatehouse, 'vendor-gone');
    await connect(s.gatehouse, s.org.id, client.clientId, s.adminUserId, ['users:read']);
    await s.api().delete(`/v1/organizations/acme/connected-apps/${client.clientId}`).set(as()).expect(204);
    expect(await s.gatehouse.store.appConnections.find(s.org.id, client.clientId, s.adminUserId)).toBeNull();
    await s.api().get(`/v1/organizations/acme/connected-apps/${client.clientId}`).set(as()).expect(404);
    const events = await s.gatehouse.store.audit.list(s.org.id, { limit: 5 });
    expect(events.items[0]).toMatchObject({
      action: 'app.disconnected', target: { type: 'client', id: client.clientId }, metadata: { members: 1, owner_organization: client.organizationId },
    });
  });

  it('is described in the OpenAPI document', async () => {
    const doc = (await s.api().get('/openapi.json').expect(200)).body;
    expect(doc.paths['/v1/organizations/{org}/connected-apps'].get['x-permission']).toBe('clients:read');
    expect(doc.paths['/v1/organizations/{org}/connected-apps/{client_id}'].delete['x-permission']).toBe('clients:write');
  });
});
