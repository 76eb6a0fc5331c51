import { exportJWK, generateKeyPair } from 'jose';
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

  it('registers a multi-organization client and one that authenticates with private_key_jwt (no secret)', async () => {
    const multi = await s.api().post('/v1/organizations/acme/clients').set(as())
      .send({ name: 'Everywhere', multi_organization: true, redirect_uris: ['https://x.example.com/cb'] }).expect(201);
    expect(multi.body).toMatchObject({ multi_organization: true, token_endpoint_auth_method: 'client_secret_basic', jwks: null, jwks_uri: null });
    const { publicKey } = await generateKeyPair('ES256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1' };
    const keyed = await s.api().post('/v1/organizations/acme/clients').set(as()).send({
      name: 'Signed', grant_types: ['client_credentials'], token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [jwk] },
    }).expect(201);
    expect(keyed.body).toMatchObject({ token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [jwk] }, multi_organization: false });
    expect(keyed.body.client_secret).toBeUndefined();
    // one source of keys at a time: a jwks_uri replaces the inline set
    const moved = await s.api().patch(`/v1/organizations/acme/clients/${keyed.body.client_id}`).set(as())
      .send({ jwks_uri: 'https://keys.example.com/jwks.json' }).expect(200);
    expect(moved.body).toMatchObject({ jwks: null, jwks_uri: 'https://keys.example.com/jwks.json' });
    const widened = await s.api().patch(`/v1/organizations/acme/clients/${keyed.body.client_id}`).set(as()).send({ multi_organization: true }).expect(200);
    expect(widened.body.multi_organization).toBe(true);
  });

  it('rotates with a grace period: both secrets work until previous_secret_expires_at', async () => {
    const { body: client } = await s.api().post('/v1/organizations/acme/clients').set(as())
      .send({ name: 'Graceful', grant_types: ['client_credentials'] }).expect(201);
    const before = Date.now();
    const rotated = await s.api().post(`/v1/organizations/acme/clients/${client.client_id}/rotate-secret`).set(as())
      .send({ grace_period: '24h' }).expect(201);
    expect(Date.parse(rotated.body.previous_secret_expires_at)).toBeGreaterThanOrEqual(before + 86_400_000 - 1000);
    expect(await s.gatehouse.oauth.clients.verifySecret(client.client_id, client.client_secret)).not.toBeNull();
    expect(await s.gatehouse.oauth.clients.verifySecret(client.client_id, rotated.body.client_secret)).not.toBeNull();
    const events = await s.gatehouse.store.audit.list(s.org.id, { limit: 5 });
    expect(events.items[0]).toMatchObject({ action: 'client.secret_rotated', metadata: { grace_period_seconds: 86_400 } });
  });
});
