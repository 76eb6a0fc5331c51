import { expectFieldProblem, seededSuite } from '../../support/seed.js';

const s = seededSuite();

/** A real P-256 public key (RFC 7517 appendix A.1). */
const EC_PUBLIC = { kty: 'EC', crv: 'P-256', x: 'MKBCTNIcKUSDii11ySs3526iDZ8AiTo7Tu6KPAqv7D4', y: '4Etl6SRW2YiLUrN5vfvVHuhp7x8PxltmWWlbbM4IFyM' };

const post = (body: object) => s.api().post('/v1/organizations/acme/clients').set('X-API-Key', s.adminKey).send(body);

describe('OAuth clients: bad requests', () => {
  it.each([
    ['a missing name', { redirect_uris: ['https://a.acme.test/cb'] }, 'name'],
    ['an unknown grant type', { name: 'x', grant_types: ['password'] }, 'grant_types'],
    ['authorization_code without redirect URIs', { name: 'x' }, 'redirect_uris'],
    ['a permission outside the vocabulary', { name: 'x', grant_types: ['client_credentials'], permissions: ['rockets:launch'] }, 'permissions'],
    ['a secret supplied by the caller', { name: 'x', redirect_uris: ['https://a.acme.test/cb'], client_secret: 'mine' }, 'client_secret'],
    ['private_key_jwt without keys', { name: 'x', grant_types: ['client_credentials'], token_endpoint_auth_method: 'private_key_jwt' }, 'jwks'],
    ['private_key_jwt with both jwks and jwks_uri',
      { name: 'x', grant_types: ['client_credentials'], token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [EC_PUBLIC] }, jwks_uri: 'https://k.example.com/jwks' }, 'jwks'],
    ['a private key in jwks', { name: 'x', grant_types: ['client_credentials'], token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [{ ...EC_PUBLIC, d: 'x' }] } }, 'jwks.keys[0]'],
    ['a symmetric key in jwks', { name: 'x', grant_types: ['client_credentials'], token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [{ kty: 'oct', k: 'c2VjcmV0' }] } }, 'jwks.keys[0]'],
    ['a key that is no key', { name: 'x', grant_types: ['client_credentials'], token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [{ kty: 'EC', crv: 'P-256', x: 'AA', y: 'AA' }] } }, 'jwks.keys[0]'],
    ['an HMAC key algorithm', { name: 'x', grant_types: ['client_credentials'], token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [{ ...EC_PUBLIC, alg: 'HS256' }] } }, 'jwks.keys[0]'],
    ['a jwks_uri over plain http', { name: 'x', grant_types: ['client_credentials'], token_endpoint_auth_method: 'private_key_jwt', jwks_uri: 'http://keys.example.com/jwks' }, 'jwks_uri'],
    ['more than 10 keys', { name: 'x', grant_types: ['client_credentials'], token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: Array(11).fill(EC_PUBLIC) } }, 'jwks.keys'],
    ['keys for a client with a secret', { name: 'x', grant_types: ['client_credentials'], jwks: { keys: [EC_PUBLIC] } }, 'jwks'],
    ['client_secret_jwt', { name: 'x', grant_types: ['client_credentials'], token_endpoint_auth_method: 'client_secret_jwt' }, 'token_endpoint_auth_method'],
    ['a multi_organization that is not a boolean', { name: 'x', redirect_uris: ['https://a.acme.test/cb'], multi_organization: 'yes' }, 'multi_organization'],
  ])('answers 400 for %s', async (_l, body, field) => {
    expectFieldProblem(await post(body), field);
  });

  it('answers 400 for a grace period over 30 days, and for rotating a private_key_jwt client', async () => {
    const { body } = await post({ name: 'W', grant_types: ['client_credentials'] }).expect(201);
    const rotate = (id: string, b?: object) => s.api().post(`/v1/organizations/acme/clients/${id}/rotate-secret`).set('X-API-Key', s.adminKey).send(b);
    expectFieldProblem(await rotate(body.client_id, { grace_period: '31d' }), 'grace_period');
    expectFieldProblem(await rotate(body.client_id, { grace_period: 'soon' }), 'grace_period');
    const keyed = await post({ name: 'K', grant_types: ['client_credentials'], token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [EC_PUBLIC] } }).expect(201);
    const res = await rotate(keyed.body.client_id);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('no_client_secret');
  });

  it('answers 400 when rotating the secret of a public client, 404 for an unknown client', async () => {
    const { body } = await post({ name: 'SPA', public: true, redirect_uris: ['https://spa.acme.test/cb'] }).expect(201);
    const res = await s.api().post(`/v1/organizations/acme/clients/${body.client_id}/rotate-secret`).set('X-API-Key', s.adminKey);
    expect(res.status).toBe(400);
    await s.api().post('/v1/organizations/acme/clients/client_nope/rotate-secret').set('X-API-Key', s.adminKey).expect(404);
  });
});
