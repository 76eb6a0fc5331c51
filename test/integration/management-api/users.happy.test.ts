import { mintKey, seededSuite } from '../../support/seed.js';

const s = seededSuite();

const as = () => ({ 'X-API-Key': s.adminKey });

describe('users (members of an organization)', () => {
  it('creates a user as a member with roles (201)', async () => {
    const res = await s.api().post('/v1/organizations/acme/users').set(as())
      .send({ email: 'Grace@Acme.test', password: 'a long enough password', name: 'Grace', roles: ['member'] });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      object: 'member', id: expect.stringMatching(/^usr_/), email: 'grace@acme.test', name: 'Grace',
      roles: ['member'], disabled: false, joined_at: expect.any(String),
    });
  });

  it('adds an existing user (by email, no password) to another organization', async () => {
    const globex = await s.gatehouse.identity.organizations.create({ slug: 'globex' });
    const key = (await mintKey(s.gatehouse, globex.id)).key;
    const res = await s.api().post('/v1/organizations/globex/users').set('X-API-Key', key).send({ email: 'admin@acme.test', roles: ['admin'] });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ id: s.adminUserId, roles: ['admin'] });
  });

  it('lists, gets, changes roles of and removes a member', async () => {
    const list = await s.api().get('/v1/organizations/acme/users').set(as()).expect(200);
    expect(list.body.data.map((m: { email: string }) => m.email)).toEqual(['grace@acme.test', 'admin@acme.test']);
    const grace = list.body.data[0];
    await s.api().get(`/v1/organizations/acme/users/${grace.id}`).set(as()).expect(200);
    const patched = await s.api().patch(`/v1/organizations/acme/users/${grace.id}`).set(as()).send({ roles: ['admin'] }).expect(200);
    expect(patched.body.roles).toEqual(['admin']);
    await s.api().delete(`/v1/organizations/acme/users/${grace.id}`).set(as()).expect(204);
    await s.api().get(`/v1/organizations/acme/users/${grace.id}`).set(as()).expect(404);
  });

  it('audits every change with the actor and target', async () => {
    const events = await s.api().get('/v1/organizations/acme/audit-logs').set(as()).expect(200);
    const actions = events.body.data.map((e: { action: string }) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['user.created', 'user.updated', 'user.deleted']));
    expect(actions.indexOf('user.deleted')).toBeLessThan(actions.indexOf('user.created'));
  });
});
