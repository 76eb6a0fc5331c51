import { seededSuite } from '../../support/seed.js';

const s = seededSuite();

const as = () => ({ 'X-API-Key': s.adminKey });

describe('OAuth clients', () => {
  it('registers a confidential client (201, client_secret once) and lists, gets, updates, deletes it', async () => {
    const created = await s.api().post('/v1/organizations/acme/clients').set(as())
      .send({ name: 'Dashboard', redirect_uris: ['https://app.acme.test/callback'] });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ object: 'client', name: 'Dashboard', public: false, client_secret: expect.any(String) });
    const id = created.body.client_id;
    const one = await s.api().get(`/v1/organizations/acme/clients/${id}`).set(as()).expect(200);
    expect(one.body.client_secret).toBeUndefined();
    const list = await s.api().get('/v1/organizations/acme/clients').set(as()).expect(200);
    expect(list.body.data.map((c: { client_id: string }) => c.client_id)).toEqual([id]);
    expect(JSON.stringify(list.body)).not.toContain(created.body.client_secret);
    const patched = await s.api().patch(`/v1/organizations/acme/clients/${id}`).set(as()).send({ name: 'Console' }).expect(200);
    expect(patched.body.name).toBe('Console');
    await s.api().delete(`/v1/organizations/acme/clients/${id}`).set(as()).expect(204);
    await s.api().get(`/v1/organizations/acme/clients/${id}`).set(as()).expect(404);
  });

  it('rotates a client secret (201, the new secret once; the old one stops working)', async () => {
    const { body: client } = await s.api().post('/v1/organizations/acme/clients').set(as())
      .send({ name: 'Worker', grant_types: ['client_credentials'], permissions: ['users:read'] }).expect(201);
    const rotated = await s.api().post(`/v1/organizations/acme/clients/${client.client_id}/rotate-secret`).set(as()).send();
    expect(rotated.status).toBe(201);
    expect(rotated.body.client_secret).toEqual(expect.any(String));
    expect(rotated.body.client_secret).not.toBe(client.client_secret);
    expect(await s.gatehouse.oauth.clients.verifySecret(client.client_id, client.client_secret)).toBeNull();
    expect(await s.gatehouse.oauth.clients.verifySecret(client.client_id, rotated.body.client_secret)).not.toBeNull();
  });

  it('registers a public client without a secret', async () => {
    const res = await s.api().post('/v1/organizations/acme/clients').set(as())
      .send({ name: 'SPA', public: true, redirect_uris: ['https://spa.acme.test/cb'] }).expect(201);
    expect(res.body.public).toBe(true);
    expect(res.body.client_secret).toBeUndefined();
  });
});
