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
