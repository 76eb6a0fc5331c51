import { expectFieldProblem, seededSuite } from '../../support/seed.js';

const s = seededSuite();

const post = (body: object) => s.api().post('/v1/organizations').set('X-API-Key', s.serverKey).send(body);

describe('organizations: bad requests', () => {
  it.each([
    ['a bad slug', { slug: 'Not A Slug' }, 'slug'],
    ['an unknown plan', { slug: 'valid-slug', plan: 'platinum' }, 'plan'],
    ['an unknown field', { slug: 'valid-slug', owner: 'me' }, 'owner'],
  ])('answers 400 for %s, naming the field', async (_l, body, field) => {
    expectFieldProblem(await post(body), field);
  });

  it.each([
    ['an unknown plan', { plan: 'platinum' }, 'plan'],
    ['an empty name', { name: '' }, 'name'],
    ['an unknown field', { slug: 'renamed' }, 'slug'],
  ])('answers 400 to an update with %s, naming the field', async (_l, body, field) => {
    expectFieldProblem(await s.api().patch('/v1/organizations/acme').set('X-API-Key', s.serverKey).send(body), field);
  });

  it('names the unknown plan and the configured ones', async () => {
    const res = await s.api().patch('/v1/organizations/acme').set('X-API-Key', s.serverKey).send({ plan: 'platinum' });
    expect(res.body.errors).toEqual([{ field: 'plan', message: '"platinum" is not a configured plan; must be one of: free, pro' }]);
  });

  it('answers 409 for a slug already taken', async () => {
    const res = await post({ slug: 'acme' });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('organization_exists');
  });

  it('answers 404 for an unknown organization', async () => {
    await s.api().get('/v1/organizations/no-such-org').set('X-API-Key', s.serverKey).expect(404);
  });

  it('answers problem+json 404 for an unknown endpoint and 405 for a method an endpoint lacks', async () => {
    const unknown = await s.api().get('/v1/nothing-here').set('X-API-Key', s.adminKey);
    expect([unknown.status, unknown.type, unknown.body.code]).toEqual([404, 'application/problem+json', 'not_found']);
    const put = await s.api().put('/v1/organizations/acme').set('X-API-Key', s.adminKey).send({});
    expect([put.status, put.type, put.body.code]).toEqual([405, 'application/problem+json', 'method_not_allowed']);
    expect(put.headers.allow).toMatch(/GET/);
  });
});
