import { OPERATOR } from '../../../src/audit/actor.js';
import { MANAGEMENT_PERMISSIONS } from '../../../src/domain/permissions.js';
import { mintKey, seededSuite, seedOrganization } from '../../support/seed.js';
import { providerSuite } from '../../support/sso.js';

/*
 * Whoever configures single sign-on decides how every person of the verified domains signs in,
 * and whoever controls the provider signs in as any of them, admins included. So every change
 * (connect, change, disconnect, claim or withdraw a domain) needs, besides idp:write, every
 * permission some member holds; the role people join with may hold nothing the caller lacks;
 * test keys change nothing; other organizations see nothing; only the operator verifies domains.
 */
const s = seededSuite({ sso: { allowPrivateNetworks: true } });
const provider = providerSuite(() => s.gatehouse.sso.redirectUri);
/** holds what every member holds (the admin: the whole vocabulary): the management API and the organization's own invoices API */
let strong: string;
const INVOICES = ['invoices:read', 'invoices:write'];
const ALL_INVOICES = [...INVOICES, 'invoices:delete'];

beforeAll(async () => {
  const gh = s.gatehouse;
  await gh.identity.resources.create(OPERATOR, s.org.id, { identifier: 'https://invoices.acme.test', permissions: [...INVOICES, 'invoices:delete'] });
  await gh.identity.roles.create(OPERATOR, s.org.id, { name: 'billing', permissions: INVOICES });
  await gh.identity.roles.create(OPERATOR, s.org.id, { name: 'treasury', permissions: ['invoices:delete'] });
  await gh.identity.users.create({ email: 'billing@acme.test', password: 'a long enough password', organizationId: s.org.id, roles: ['member', 'billing'] });
  strong = (await mintKey(gh, s.org.id, [...MANAGEMENT_PERMISSIONS, ...ALL_INVOICES])).key;
});

const connection = '/v1/organizations/acme/sso-connection';
const domains = '/v1/organizations/acme/domains';
const valid = () => ({ issuer: provider.idp.issuer, client_id: provider.client.clientId, client_secret: provider.client.clientSecret });
const stored = () => s.gatehouse.store.ssoConnections.find(s.org.id);

describe('SSO configuration: who may change it', () => {
  it('a caller with idp:write lacking what a member holds changes nothing (403 permission_escalation), the stronger one may', async () => {
    // idp:write and all of the billing member's permissions, but not all the admin's
    const weak = (await mintKey(s.gatehouse, s.org.id, [...MANAGEMENT_PERMISSIONS, ...INVOICES])).key;
    const created = await s.api().post(connection).set('X-API-Key', weak).send(valid());
    expect([created.status, created.body.code, created.body.permissions]).toEqual([403, 'permission_escalation', ['invoices:delete']]);
    expect(created.body.detail).toBe('You cannot change how members sign in when they hold permissions you lack: invoices:delete.');
    expect(await stored()).toBeNull();
    const claimed = await s.api().post(domains).set('X-API-Key', weak).send({ domain: 'acme.test' });
    expect([claimed.status, claimed.body.code]).toEqual([403, 'permission_escalation']);
    expect((await s.gatehouse.store.emailDomains.list(s.org.id, { limit: 10 })).items).toEqual([]);

    await s.api().post(connection).set('X-API-Key', strong).send(valid()).expect(201);
    const { id } = (await s.api().post(domains).set('X-API-Key', strong).send({ domain: 'acme.test' }).expect(201)).body;
    const before = await stored();
    for (const [method, path, body] of [
      ['patch', connection, { sso_required: true }], ['patch', connection, { client_secret: 'attacker-chosen' }],
      ['patch', connection, { issuer: provider.idp.issuer }], ['delete', connection, undefined], ['delete', `${domains}/${id}`, undefined],
    ] as const) {
      const res = await s.api()[method](path).set('X-API-Key', weak).send(body);
      expect([`${method} ${path}`, res.status, res.body.code]).toEqual([`${method} ${path}`, 403, 'permission_escalation']);
    }
    expect(await stored()).toEqual(before);
    expect(await s.gatehouse.store.emailDomains.findById(s.org.id, id)).not.toBeNull();
    // reading needs idp:read only
    await s.api().get(connection).set('X-API-Key', weak).expect(200);
    await s.api().get(`${domains}/${id}`).set('X-API-Key', weak).expect(200);
  });

  it('the role people join with is one of the organization\'s, whatever the caller holds', async () => {
    const res = await s.api().patch(connection).set('X-API-Key', strong).send({ default_role: 'owner' });
    expect([res.status, res.body.code]).toEqual([400, 'validation_failed']);
    await s.api().patch(connection).set('X-API-Key', strong).send({ default_role: 'billing' }).expect(200);
    expect((await stored())!.defaultRole).toBe('billing');
  });

  it('a test key changes nothing (403 environment_escalation), whatever it holds', async () => {
    const test = (await mintKey(s.gatehouse, s.org.id, [...MANAGEMENT_PERMISSIONS, ...ALL_INVOICES], { environment: 'test' })).key;
    const before = await stored();
    for (const [method, path, body] of [
      ['patch', connection, { sso_required: false }], ['delete', connection, undefined], ['post', domains, { domain: 'test.acme.test' }],
    ] as const) {
      const res = await s.api()[method](path).set('X-API-Key', test).send(body);
      expect([res.status, res.body.code]).toEqual([403, 'environment_escalation']);
    }
    expect(await stored()).toEqual(before);
  });

  it('without idp:read or idp:write the routes are refused (403 insufficient_scope)', async () => {
    const key = (await mintKey(s.gatehouse, s.org.id, ['users:read', 'users:write'])).key;
    for (const [method, path] of [['get', connection], ['get', domains], ['patch', connection], ['post', domains]] as const) {
      const res = await s.api()[method](path).set('X-API-Key', key).send(method === 'get' ? undefined : {});
      expect([res.status, res.body.code]).toEqual([403, 'insufficient_scope']);
    }
  });

  it("another organization's credentials see no connection and no domain here (404), and reach none of theirs through acme", async () => {
    const { id } = (await s.api().get(domains).set('X-API-Key', strong).expect(200)).body.data[0];
    const other = await seedOrganization(s.gatehouse, 'umbrella');
    const key = (await mintKey(s.gatehouse, other.id, MANAGEMENT_PERMISSIONS)).key;
    for (const [method, path] of [['get', connection], ['delete', connection], ['get', `${domains}/${id}`], ['delete', `${domains}/${id}`]] as const) {
      await s.api()[method](path).set('X-API-Key', key).expect(404);
    }
    await s.api().get(`/v1/organizations/umbrella/domains/${id}`).set('X-API-Key', key).expect(404);
    expect(await stored()).not.toBeNull();
  });

  it('no caller but the operator verifies a domain: there is no route, and the service refuses anyone else', async () => {
    const asAdmin = { principal: { type: 'api_key' as const, subject: 'key_x', organization: s.org.id, environment: 'live' as const, permissions: [...MANAGEMENT_PERMISSIONS, ...INVOICES] } };
    await expect(s.gatehouse.sso.domains.verify(asAdmin, s.org.id, 'acme.test', 'operator')).rejects.toMatchObject({ status: 403, code: 'operator_only' });
    for (const path of [`${domains}/x/verify`, `${domains}/x/approve`]) {
      await s.api().post(path).set('X-API-Key', strong).send({}).expect(404);
    }
    expect(await s.gatehouse.store.emailDomains.findVerified('acme.test')).toBeNull();
  });

  it('a sealed client secret opens only for its own organization', async () => {
    const mine = (await stored())!;
    const other = await seedOrganization(s.gatehouse, 'initech');
    expect(s.gatehouse.sso.connections.clientSecret(mine)).toBe(provider.client.clientSecret);
    expect(() => s.gatehouse.sso.connections.clientSecret({ ...mine, organizationId: other.id })).toThrow();
  });
});
