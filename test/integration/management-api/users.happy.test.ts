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

  it('audits every change with the actor and target, an invitation, a join and a removal once each (as their events)', async () => {
    const events = await s.api().get('/v1/organizations/acme/audit-logs').set(as()).expect(200);
    const about = (type: string, id: string) => events.body.data.filter((e: { target: { type: string; id: string } | null }) =>
      e.target?.type === type && e.target.id === id);
    const invitation = events.body.data.find((e: { action: string }) => e.action === 'member.invited');
    expect(about('invitation', invitation.target.id).map((e: { action: string }) => e.action)).toEqual(['member.invited']);
    expect(about('user', grace).map((e: { action: string }) => e.action))
      .toEqual(['member.removed', 'user.updated', 'user.updated', 'user.updated', 'member.joined']);
    expect(about('user', grace)[0]).toMatchObject({ actor: { type: 'api_key' }, metadata: { roles: ['member'] } });
    const joined = about('user', grace).at(-1);
    expect(joined).toMatchObject({ actor: { type: 'user', id: grace }, metadata: { roles: ['member'], invitation_id: invitation.target.id } });
  });
});
