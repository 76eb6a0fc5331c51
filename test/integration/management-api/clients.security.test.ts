import { exportJWK, generateKeyPair } from 'jose';
import { OPERATOR } from '../../../src/audit/actor.js';
import { newId } from '../../../src/domain/ids.js';
import { MANAGEMENT_PERMISSIONS } from '../../../src/domain/permissions.js';
import { mintKey, seedOrganization, seededSuite } from '../../support/seed.js';

const s = seededSuite();

describe('OAuth clients: no escalation, tenancy, secrets', () => {
  it('a clients:write key cannot register a client holding permissions it lacks', async () => {
    const writer = await mintKey(s.gatehouse, s.org.id, ['clients:write', 'clients:read']);
    const res = await s.api().post('/v1/organizations/acme/clients').set('X-API-Key', writer.key)
      .send({ name: 'robot', grant_types: ['client_credentials'], permissions: ['api_keys:write'] });
    expect(res.status).toBe(403);
    expect(res.body.detail).toContain('api_keys:write');
  });

  it("answers 404 for another organization's client", async () => {
    const { body } = await s.api().post('/v1/organizations/acme/clients').set('X-API-Key', s.adminKey)
      .send({ name: 'mine', redirect_uris: ['https://a.acme.test/cb'] }).expect(201);
    const other = await seedOrganization(s.gatehouse, 'stark');
    const key = (await mintKey(s.gatehouse, other.id, MANAGEMENT_PERMISSIONS)).key;
    await s.api().get(`/v1/organizations/stark/clients/${body.client_id}`).set('X-API-Key', key).expect(404);
    await s.api().post(`/v1/organizations/stark/clients/${body.client_id}/rotate-secret`).set('X-API-Key', key).expect(404);
    await s.api().delete(`/v1/organizations/stark/clients/${body.client_id}`).set('X-API-Key', key).expect(404);
  });

  it('never puts a client secret nor the sealed secret in the audit log', async () => {
    const { body } = await s.api().post('/v1/organizations/acme/clients').set('X-API-Key', s.adminKey)
      .send({ name: 'audited', redirect_uris: ['https://a.acme.test/cb'] }).expect(201);
    const rotated = await s.api().post(`/v1/organizations/acme/clients/${body.client_id}/rotate-secret`).set('X-API-Key', s.adminKey).expect(201);
    const sealed = (await s.gatehouse.store.clients.findById(body.client_id))!.sealedSecret!;
    const audit = JSON.stringify(await s.gatehouse.store.audit.list(s.org.id, { limit: 100 }));
    expect(audit).toContain('client.secret_rotated');
    for (const secret of [body.client_secret, rotated.body.client_secret, sealed]) expect(audit).not.toContain(secret);
  });
});

describe('OAuth clients: how an app authenticates, where it acts, and its secret are control of it', () => {
  const DEVICE = 'urn:ietf:params:oauth:grant-type:device_code';
  /** holds clients:* but not what acme's admin (a member) holds: it must not take over apps that sign people in */
  let weak: string;
  beforeAll(async () => {
    weak = (await mintKey(s.gatehouse, s.org.id, ['clients:read', 'clients:write', 'users:read'])).key;
  });

  const register = async (body: Record<string, unknown>) =>
    (await s.api().post('/v1/organizations/acme/clients').set('X-API-Key', s.adminKey).send(body).expect(201)).body as { client_id: string };
  const stored = (id: string) => s.gatehouse.store.clients.findById(id);
  async function signedJwks() {
    const { publicKey } = await generateKeyPair('ES256');
    return { keys: [{ ...(await exportJWK(publicKey)), kid: `k${Math.random().toString(36).slice(2)}` }] };
  }
  const refused = (res: { status: number; body: { code?: string } }) => {
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('permission_escalation');
  };

  it('turning multi_organization on is refused to a caller lacking what the app can obtain; the owner\'s admin may', async () => {
    const { client_id } = await register({ name: 'reach', redirect_uris: ['https://a.acme.test/cb'] });
    const before = await stored(client_id);
    refused(await s.api().patch(`/v1/organizations/acme/clients/${client_id}`).set('X-API-Key', weak).send({ multi_organization: true }));
    expect(await stored(client_id)).toEqual(before);
    const res = await s.api().patch(`/v1/organizations/acme/clients/${client_id}`).set('X-API-Key', s.adminKey).send({ multi_organization: true }).expect(200);
    expect(res.body.multi_organization).toBe(true);
  });

  it("replacing a private_key_jwt client's keys (jwks or jwks_uri) is refused to a weaker caller", async () => {
    const { client_id } = await register({
      name: 'signed robot', grant_types: ['client_credentials'], permissions: ['api_keys:write'],
      token_endpoint_auth_method: 'private_key_jwt', jwks: await signedJwks(),
    });
    const before = await stored(client_id);
    refused(await s.api().patch(`/v1/organizations/acme/clients/${client_id}`).set('X-API-Key', weak).send({ jwks: await signedJwks() }));
    refused(await s.api().patch(`/v1/organizations/acme/clients/${client_id}`).set('X-API-Key', weak).send({ jwks_uri: 'https://attacker.example.com/jwks' }));
    expect(await stored(client_id)).toEqual(before);
    await s.api().patch(`/v1/organizations/acme/clients/${client_id}`).set('X-API-Key', s.adminKey).send({ jwks: await signedJwks() }).expect(200);
  });

  it('a rotation with a grace period is refused to a weaker caller: both secrets stay as they were', async () => {
    const { client_id } = await register({ name: 'graceful', redirect_uris: ['https://a.acme.test/cb'] });
    const before = await stored(client_id);
    refused(await s.api().post(`/v1/organizations/acme/clients/${client_id}/rotate-secret`).set('X-API-Key', weak).send({ grace_period: '24h' }));
    expect(await stored(client_id)).toEqual(before);
  });

  it('a device-flow app signs people in too: a weaker caller cannot change it (e.g. to add a redirect of its own)', async () => {
    const { client_id } = await register({ name: 'cli', public: true, grant_types: [DEVICE, 'refresh_token'] });
    const before = await stored(client_id);
    refused(await s.api().patch(`/v1/organizations/acme/clients/${client_id}`).set('X-API-Key', weak)
      .send({ grant_types: [DEVICE, 'authorization_code'], redirect_uris: ['https://attacker.example.com/cb'] }));
    refused(await s.api().patch(`/v1/organizations/acme/clients/${client_id}`).set('X-API-Key', weak).send({ name: 'renamed' }));
    expect(await stored(client_id)).toEqual(before);
  });

  it('a multi-organization app is weighed in its owner organization only: what connected organizations granted it does not count', async () => {
    const { client_id } = await register({ name: 'everywhere', redirect_uris: ['https://a.acme.test/cb'], multi_organization: true });
    const other = await seedOrganization(s.gatehouse, 'connected-org');
    await s.gatehouse.identity.resources.create(OPERATOR, other.id, { identifier: 'https://reports.connected.test', permissions: ['reports:write'] });
    const now = new Date();
    await s.gatehouse.store.appConnections.save({
      id: newId('con'), organizationId: other.id, clientId: client_id, userId: newId('usr'), scopes: ['openid'],
      resources: [{ indicator: 'https://reports.connected.test', scopes: ['reports:write'] }], createdAt: now, updatedAt: now,
    });
    refused(await s.api().patch(`/v1/organizations/acme/clients/${client_id}`).set('X-API-Key', weak).send({ redirect_uris: ['https://attacker.example.com/cb'] }));
    // acme's admin holds all that acme's members hold: the owner organization controls its app
    await s.api().patch(`/v1/organizations/acme/clients/${client_id}`).set('X-API-Key', s.adminKey)
      .send({ redirect_uris: ['https://b.acme.test/cb'] }).expect(200);
  });
});
