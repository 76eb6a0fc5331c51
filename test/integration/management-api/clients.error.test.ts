import { expectFieldProblem, seededSuite } from '../../support/seed.js';

const s = seededSuite();

const post = (body: object) => s.api().post('/v1/organizations/acme/clients').set('X-API-Key', s.adminKey).send(body);

describe('OAuth clients: bad requests', () => {
  it.each([
    ['a missing name', { redirect_uris: ['https://a.acme.test/cb'] }, 'name'],
    ['an unknown grant type', { name: 'x', grant_types: ['password'] }, 'grant_types'],
    ['authorization_code without redirect URIs', { name: 'x' }, 'redirect_uris'],
    ['a permission outside the vocabulary', { name: 'x', grant_types: ['client_credentials'], permissions: ['rockets:launch'] }, 'permissions'],
    ['a secret supplied by the caller', { name: 'x', redirect_uris: ['https://a.acme.test/cb'], client_secret: 'mine' }, 'client_secret'],
  ])('answers 400 for %s', async (_l, body, field) => {
    expectFieldProblem(await post(body), field);
  });

  it('answers 400 when rotating the secret of a public client, 404 for an unknown client', async () => {
    const { body } = await post({ name: 'SPA', public: true, redirect_uris: ['https://spa.acme.test/cb'] }).expect(201);
    const res = await s.api().post(`/v1/organizations/acme/clients/${body.client_id}/rotate-secret`).set('X-API-Key', s.adminKey);
    expect(res.status).toBe(400);
    await s.api().post('/v1/organizations/acme/clients/client_nope/rotate-secret').set('X-API-Key', s.adminKey).expect(404);
  });
});
