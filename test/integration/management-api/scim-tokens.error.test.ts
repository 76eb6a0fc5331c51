import { expectFieldProblem, seededSuite } from '../../support/seed.js';

const s = seededSuite();
const base = '/v1/organizations/acme/scim-tokens';
const create = (body: unknown) => s.api().post(base).set('X-API-Key', s.adminKey).send(body as object);

describe('SCIM tokens: bad requests', () => {
  it('names the field: a missing name, no permissions, a malformed or unknown permission, a bad duration', async () => {
    expectFieldProblem(await create({ permissions: ['users:read'] }), 'name');
    expectFieldProblem(await create({ name: 'x', permissions: [] }), 'permissions');
    expectFieldProblem(await create({ name: 'x', permissions: ['Users Read'] }), 'permissions');
    expectFieldProblem(await create({ name: 'x', permissions: ['invoices:read'] }), 'permissions');
    expectFieldProblem(await create({ name: 'x', permissions: ['users:read'], expires_in: '11y' }), 'expires_in');
    expectFieldProblem(await create({ name: 'x', permissions: ['users:read'], expires_in: '4000d' }), 'expires_in');
  });

  it('refuses unknown fields, and never takes a token value', async () => {
    const res = await create({ name: 'x', permissions: ['users:read'], token: 'scim_mine' });
    expect(res.status).toBe(400);
    expect(res.type).toBe('application/problem+json');
  });

  it('answers 404 for a token that does not exist, and 405 for methods it does not serve', async () => {
    await s.api().get(`${base}/sct_nothing`).set('X-API-Key', s.adminKey).expect(404);
    await s.api().delete(`${base}/sct_nothing`).set('X-API-Key', s.adminKey).expect(404);
    const res = await s.api().patch(`${base}/sct_nothing`).set('X-API-Key', s.adminKey).send({});
    expect(res.status).toBe(405);
  });
});
