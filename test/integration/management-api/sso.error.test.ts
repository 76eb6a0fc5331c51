import { OPERATOR } from '../../../src/audit/actor.js';
import { expectFieldProblem, seed, seededSuite, seedOrganization, type Seeded } from '../../support/seed.js';
import { providerSuite } from '../../support/sso.js';

const s = seededSuite({ sso: { allowPrivateNetworks: true } });
const provider = providerSuite(() => s.gatehouse.sso.redirectUri);

const connection = '/v1/organizations/acme/sso-connection';
const domains = '/v1/organizations/acme/domains';
const valid = () => ({ issuer: provider.idp.issuer, client_id: provider.client.clientId, client_secret: provider.client.clientSecret });

describe('SSO connection: bad requests are named, nothing is stored', () => {
  it('names each missing or unknown field', async () => {
    const res = await s.api().post(connection).set('X-API-Key', s.adminKey).send({ issuer: provider.idp.issuer, colour: 'blue' });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual(expect.arrayContaining([
      { field: 'client_id', message: expect.any(String) }, { field: 'client_secret', message: expect.any(String) },
      { field: 'colour', message: 'is not a field of this request' },
    ]));
    expect(await s.gatehouse.store.ssoConnections.find(s.org.id)).toBeNull();
  });

  it('refuses an issuer that is not an OpenID provider, naming why', async () => {
    const notThere = await s.api().post(connection).set('X-API-Key', s.adminKey).send({ ...valid(), issuer: 'http://127.0.0.1:1' });
    expectFieldProblem(notThere, 'issuer');
    expect(notThere.body.errors[0].message).toMatch(/^is not a usable OpenID Connect provider: its OpenID Connect metadata could not be loaded/);
    // an issuer the discovered metadata does not name (RFC 8414 §3.3)
    const mismatch = await s.api().post(connection).set('X-API-Key', s.adminKey).send({ ...valid(), issuer: `${provider.idp.issuer}/other` });
    expectFieldProblem(mismatch, 'issuer');
    for (const issuer of ['not a url', `${provider.idp.issuer}?x=1`, `${provider.idp.issuer}#f`, 'ftp://idp.example.com']) {
      expectFieldProblem(await s.api().post(connection).set('X-API-Key', s.adminKey).send({ ...valid(), issuer }), 'issuer');
    }
    expect(await s.gatehouse.store.ssoConnections.find(s.org.id)).toBeNull();
  });

  it('refuses a default role the organization does not have', async () => {
    const res = await s.api().post(connection).set('X-API-Key', s.adminKey).send({ ...valid(), default_role: 'wizard' });
    expectFieldProblem(res, 'default_role');
    expect(res.body.errors[0].message).toBe('"wizard" is neither a built-in role (admin, member) nor a role of this organization');
  });

  it('allows one provider per organization (409), a change needs a field (400), and there is nothing to change or delete without one (404)', async () => {
    await s.api().patch(connection).set('X-API-Key', s.adminKey).send({ sso_required: true }).expect(404);
    await s.api().delete(connection).set('X-API-Key', s.adminKey).expect(404);
    await s.api().post(connection).set('X-API-Key', s.adminKey).send(valid()).expect(201);
    const again = await s.api().post(connection).set('X-API-Key', s.adminKey).send(valid());
    expect([again.status, again.body.code]).toEqual([409, 'sso_connection_exists']);
    expectFieldProblem(await s.api().patch(connection).set('X-API-Key', s.adminKey).send({}), '(body)');
    expectFieldProblem(await s.api().patch(connection).set('X-API-Key', s.adminKey).send({ sso_required: 'yes' }), 'sso_required');
    expectFieldProblem(await s.api().patch(connection).set('X-API-Key', s.adminKey).send({ client_secret: '' }), 'client_secret');
  });
});

describe('email domains: bad claims are named', () => {
  it('refuses what is not a domain', async () => {
    for (const domain of ['localhost', '10.0.0.1', 'a b.test', '']) {
      expectFieldProblem(await s.api().post(domains).set('X-API-Key', s.adminKey).send({ domain }), 'domain');
    }
  });

  it('refuses a second claim of a domain (409 domain_exists), and a domain verified for another organization (409 domain_taken)', async () => {
    await s.api().post(domains).set('X-API-Key', s.adminKey).send({ domain: 'twice.test' }).expect(201);
    const twice = await s.api().post(domains).set('X-API-Key', s.adminKey).send({ domain: 'TWICE.test' });
    expect([twice.status, twice.body.code]).toEqual([409, 'domain_exists']);
    const other = await seedOrganization(s.gatehouse, 'globex');
    await s.gatehouse.sso.domains.claim(OPERATOR, other.id, 'globex.test');
    await s.gatehouse.sso.domains.verify(OPERATOR, other.id, 'globex.test', 'operator');
    const taken = await s.api().post(domains).set('X-API-Key', s.adminKey).send({ domain: 'globex.test' });
    expect([taken.status, taken.body.code, taken.body.detail]).toEqual([409, 'domain_taken', 'This domain is verified for another organization.']);
  });

  it('answers 404 for a claim that does not exist', async () => {
    await s.api().get(`${domains}/dom_nothing`).set('X-API-Key', s.adminKey).expect(404);
    await s.api().delete(`${domains}/dom_nothing`).set('X-API-Key', s.adminKey).expect(404);
  });
});

describe('with private networks not allowed (production)', () => {
  let locked: Seeded;
  beforeAll(async () => { locked = await seed(); });
  afterAll(() => locked.close());

  it('refuses an http issuer, and one at a private or loopback address, before fetching anything', async () => {
    for (const [issuer, message] of [
      [provider.idp.issuer, 'must be an https URL'],
      ['https://127.0.0.1:8443', 'must not point at a private, loopback or link-local address'],
      ['https://idp.internal', 'must not point at a private, loopback or link-local address'],
    ]) {
      const res = await locked.api().post(connection).set('X-API-Key', locked.adminKey).send({ ...valid(), issuer });
      expectFieldProblem(res, 'issuer');
      expect(res.body.errors[0].message).toBe(message);
    }
  });
});
