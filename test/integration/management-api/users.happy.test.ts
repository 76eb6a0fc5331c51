import { inviteAndJoin } from '../../support/invitations.js';
import { seededSuite } from '../../support/seed.js';

const s = seededSuite();

const as = () => ({ 'X-API-Key': s.adminKey });

describe('users (members of an organization)', () => {
  let grace: string;
  beforeAll(async () => {
    grace = (await inviteAndJoin(s.gatehouse, 'acme', s.adminKey, 'Grace@Acme.test', ['member'])).userId;
  });

  it('lists members newest first and gets one', async () => {
    const list = await s.api().get('/v1/organizations/acme/users').set(as()).expect(200);
    expect(list.body.data.map((m: { email: string }) => m.email)).toEqual(['grace@acme.test', 'admin@acme.test']);
    const one = await s.api().get(`/v1/organizations/acme/users/${grace}`).set(as()).expect(200);
    expect(one.body).toEqual({
      object: 'member', id: grace, email: 'grace@acme.test', name: null, roles: ['member'], disabled: false, joined_at: expect.any(String),
    });
  });

  it('changes roles, disables and enables a member', async () => {
    const promoted = await s.api().patch(`/v1/organizations/acme/users/${grace}`).set(as()).send({ roles: ['admin'] }).expect(200);
    expect(promoted.body.roles).toEqual(['admin']);
    const disabled = await s.api().patch(`/v1/organizations/acme/users/${grace}`).set(as()).send({ disabled: true }).expect(200);
    expect(disabled.body).toMatchObject({ roles: ['admin'], disabled: true });
    const enabled = await s.api().patch(`/v1/organizations/acme/users/${grace}`).set(as()).send({ disabled: false, roles: ['member'] }).expect(200);
    expect(enabled.body).toMatchObject({ roles: ['member'], disabled: false });
  });

  it('removes a member (the account stays, outside the organization)', async () => {
    await s.api().delete(`/v1/organizations/acme/users/${grace}`).set(as()).expect(204);
    await s.api().get(`/v1/organizations/acme/users/${grace}`).set(as()).expect(404);
    expect(await s.gatehouse.identity.users.get(grace)).not.toBeNull();
  });

  it('audits every change with the actor and target', async () => {
    const events = await s.api().get('/v1/organizations/acme/audit-logs').set(as()).expect(200);
    const actions = events.body.data.map((e: { action: string }) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['invitation.created', 'member.joined', 'user.updated', 'user.deleted']));
    expect(actions.indexOf('user.deleted')).toBeLessThan(actions.indexOf('member.joined'));
    const joined = events.body.data.find((e: { action: string }) => e.action === 'member.joined');
    expect(joined).toMatchObject({ actor: { type: 'user', id: grace }, target: { type: 'user', id: grace } });
  });
});
