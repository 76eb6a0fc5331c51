import { expectFieldProblem, seededSuite } from '../../support/seed.js';

const s = seededSuite();

const post = (body: object) => s.api().post('/v1/organizations/acme/users').set('X-API-Key', s.adminKey).send(body);

describe('users: bad requests', () => {
  it.each([
    ['a new email without a password', { email: 'new@acme.test' }, 'password'],
    ['a malformed email', { email: 'not-an-email', password: 'a long enough password' }, 'email'],
    ['an unknown role', { email: 'r@acme.test', password: 'a long enough password', roles: ['overlord'] }, 'roles'],
    ['an unknown field', { email: 'r@acme.test', password: 'a long enough password', is_admin: true }, 'is_admin'],
  ])('answers 400 for %s, naming the field', async (_l, body, field) => {
    expectFieldProblem(await post(body), field);
  });

  it('answers 409 when the user is already a member', async () => {
    const res = await post({ email: 'admin@acme.test' });
    expect(res.status).toBe(409);
  });

  it('answers 404 for a user who is not a member', async () => {
    await s.api().get('/v1/organizations/acme/users/usr_01aaaaaaaaaaaaaaaaaaaaaaaa').set('X-API-Key', s.adminKey).expect(404);
    await s.api().delete('/v1/organizations/acme/users/usr_01aaaaaaaaaaaaaaaaaaaaaaaa').set('X-API-Key', s.adminKey).expect(404);
  });
});
