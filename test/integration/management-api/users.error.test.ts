import { inviteAndJoin } from '../../support/invitations.js';
import { expectFieldProblem, seededSuite } from '../../support/seed.js';

const s = seededSuite();

const as = () => ({ 'X-API-Key': s.adminKey });
const patch = (id: string, body: object) => s.api().patch(`/v1/organizations/acme/users/${id}`).set(as()).send(body);

describe('users: bad requests', () => {
  let member: string;
  beforeAll(async () => {
    member = (await inviteAndJoin(s.gatehouse, 'acme', s.adminKey, 'm@acme.test', ['member'])).userId;
  });

  it('has no POST: people join by invitation (405 naming the methods there are)', async () => {
    const res = await s.api().post('/v1/organizations/acme/users').set(as())
      .send({ email: 'new@acme.test', password: 'a long enough password' });
    expect(res.status).toBe(405);
    expect(res.type).toBe('application/problem+json');
    expect(res.headers.allow).toBe('HEAD, GET');
  });

  it.each([
    ['an unknown role', { roles: ['overlord'] }, 'roles'],
    ['a disabled flag that is not a boolean', { disabled: 'yes' }, 'disabled'],
    ['an unknown field', { password: 'a long enough password' }, 'password'],
    ['an empty change', {}, '(body)'],
  ])('answers 400 for %s, naming the field', async (_l, body, field) => {
    expectFieldProblem(await patch(member, body), field);
  });

  it('answers 404 for a user who is not a member', async () => {
    await s.api().get('/v1/organizations/acme/users/usr_01aaaaaaaaaaaaaaaaaaaaaaaa').set(as()).expect(404);
    await s.api().delete('/v1/organizations/acme/users/usr_01aaaaaaaaaaaaaaaaaaaaaaaa').set(as()).expect(404);
    await patch('usr_01aaaaaaaaaaaaaaaaaaaaaaaa', { roles: ['member'] }).expect(404);
  });

  it('never removes, demotes nor disables the last admin (409 last_admin), and nothing changes', async () => {
    const admin = s.adminUserId;
    const before = await s.gatehouse.store.memberships.find(s.org.id, admin);
    for (const res of [
      await s.api().delete(`/v1/organizations/acme/users/${admin}`).set(as()),
      await patch(admin, { roles: ['member'] }),
      await patch(admin, { disabled: true }),
    ]) {
      expect(res.status).toBe(409);
      expect(res.body.code).toBe('last_admin');
    }
    expect(await s.gatehouse.store.memberships.find(s.org.id, admin)).toEqual(before);
    // with a second admin, the first may step down
    await patch(member, { roles: ['admin'] }).expect(200);
    await patch(admin, { roles: ['member', 'admin'] }).expect(200);
    await patch(member, { roles: ['member'] }).expect(200);
  });
});
