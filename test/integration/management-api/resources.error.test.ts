import { expectFieldProblem, seededSuite } from '../../support/seed.js';

const s = seededSuite();

const post = (body: object) => s.api().post('/v1/organizations/acme/resources').set('X-API-Key', s.adminKey).send(body);

describe('resources: bad requests', () => {
  it.each([
    ['a relative identifier', { identifier: '/api', permissions: ['a:read'] }, 'identifier'],
    ['a management noun', { identifier: 'https://x.acme.test', permissions: ['users:read'] }, 'permissions'],
    ['a malformed permission', { identifier: 'https://y.acme.test', permissions: ['Read'] }, 'permissions'],
  ])('answers 400 for %s', async (_l, body, field) => {
    expectFieldProblem(await post(body), field);
  });

  it('answers 409 for an identifier already registered', async () => {
    await post({ identifier: 'https://dup.acme.test', permissions: ['dup:read'] }).expect(201);
    expect((await post({ identifier: 'https://dup.acme.test', permissions: ['dup:read'] })).status).toBe(409);
  });
});
