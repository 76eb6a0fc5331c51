import { inviteAndJoin } from '../../support/invitations.js';
import { seededSuite } from '../../support/seed.js';

const s = seededSuite();

const as = () => ({ 'X-API-Key': s.adminKey });

describe('roles', () => {
  it('creates, lists, gets (by id or name), updates and deletes a custom role', async () => {
    const created = await s.api().post('/v1/organizations/acme/roles').set(as())
      .send({ name: 'auditor', description: 'reads the log', permissions: ['audit:read'] });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ object: 'role', name: 'auditor', description: 'reads the log', permissions: ['audit:read'] });
    const list = await s.api().get('/v1/organizations/acme/roles').set(as()).expect(200);
    expect(list.body.data.map((r: { name: string }) => r.name)).toEqual(['auditor']);
    await s.api().get(`/v1/organizations/acme/roles/${created.body.id}`).set(as()).expect(200);
    await s.api().get('/v1/organizations/acme/roles/auditor').set(as()).expect(200);
    const patched = await s.api().patch('/v1/organizations/acme/roles/auditor').set(as()).send({ permissions: ['audit:read', 'users:read'] }).expect(200);
    expect(patched.body.permissions).toEqual(['audit:read', 'users:read']);
    await s.api().delete('/v1/organizations/acme/roles/auditor').set(as()).expect(204);
    await s.api().get('/v1/organizations/acme/roles/auditor').set(as()).expect(404);
  });

  it('a role can then be given to a member, by invitation and by a change of roles', async () => {
    await s.api().post('/v1/organizations/acme/roles').set(as()).send({ name: 'keykeeper', permissions: ['api_keys:read'] }).expect(201);
    const { userId } = await inviteAndJoin(s.gatehouse, 'acme', s.adminKey, 'kk@acme.test', ['keykeeper']);
    const member = await s.api().get(`/v1/organizations/acme/users/${userId}`).set(as()).expect(200);
    expect(member.body.roles).toEqual(['keykeeper']);
    const changed = await s.api().patch(`/v1/organizations/acme/users/${userId}`).set(as()).send({ roles: ['member', 'keykeeper'] }).expect(200);
    expect(changed.body.roles).toEqual(['member', 'keykeeper']);
  });
});
