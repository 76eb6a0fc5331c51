import { inviteAndJoin } from '../../support/invitations.js';
import { expectFieldProblem, seededSuite } from '../../support/seed.js';

const s = seededSuite();

const post = (body: object) => s.api().post('/v1/organizations/acme/roles').set('X-API-Key', s.adminKey).send(body);

describe('roles: bad requests', () => {
  it.each([
    ['a built-in name', { name: 'admin', permissions: ['audit:read'] }, 'name'],
    ['a permission outside the vocabulary', { name: 'r1', permissions: ['rockets:launch'] }, 'permissions'],
    ['missing permissions', { name: 'r2' }, 'permissions'],
    ['an unknown field', { name: 'r3', permissions: [], organization_id: 'org_x' }, 'organization_id'],
  ])('answers 400 for %s', async (_l, body, field) => {
    expectFieldProblem(await post(body), field);
  });

  it('answers 409 for a duplicate name and for deleting a role in use', async () => {
    await post({ name: 'dup', permissions: ['audit:read'] }).expect(201);
    expect((await post({ name: 'dup', permissions: ['audit:read'] })).status).toBe(409);
    await inviteAndJoin(s.gatehouse, 'acme', s.adminKey, 'd@acme.test', ['dup']);
    expect((await s.api().delete('/v1/organizations/acme/roles/dup').set('X-API-Key', s.adminKey)).status).toBe(409);
  });

  it('answers 404 for an unknown role', async () => {
    await s.api().patch('/v1/organizations/acme/roles/ghost').set('X-API-Key', s.adminKey).send({ permissions: [] }).expect(404);
  });
});
