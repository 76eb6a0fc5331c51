import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeJwt, exportJWK, generateKeyPair } from 'jose';
import * as oidc from 'openid-client';
import request from 'supertest';
import { mintKey } from '../../support/seed.js';
import { startTestServer, type RunningGatehouse } from '../../support/harness.js';

/**
 * SPEC §3 client authentication: private_key_jwt with the client's keys registered inline (jwks)
 * or published at a URL (jwks_uri), driven by openid-client; and client secret rotation with a
 * grace period during which the previous secret keeps working.
 */
let server: RunningGatehouse;
let orgId: string;
let adminKey: string;
beforeAll(async () => {
  // the jwks_uri below is served on 127.0.0.1, which only this setting lets the server fetch
  server = await startTestServer({ oauth: { allowPrivateJwksUris: true } });
  orgId = (await server.gatehouse.identity.organizations.create({ slug: 'auth-co' })).id;
  adminKey = (await mintKey(server.gatehouse, orgId)).key;
});
afterAll(async () => { await server.stop(); });

const api = () => request(server.url);
const createClient = (body: Record<string, unknown>) =>
  api().post('/v1/organizations/auth-co/clients').set('authorization', `Bearer ${adminKey}`).send({ grant_types: ['client_credentials'], permissions: ['users:read'], ...body });

const discover = (clientId: string, auth: oidc.ClientAuth) =>
  oidc.discovery(new URL(server.url), clientId, undefined, auth, { execute: [oidc.allowInsecureRequests] });

/** A key pair; the public JWK names the algorithm openid-client signs with (Ed25519 keys: `Ed25519`, RFC 9864). */
async function keyPair(alg: 'ES256' | 'RS256' | 'Ed25519') {
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
  const kid = `k-${alg}-${Date.now()}`;
  return { privateKey, kid, jwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

describe('private_key_jwt', () => {
  it.each(['ES256', 'RS256', 'Ed25519'] as const)('authenticates a client whose %s public key is registered inline', async (alg) => {
    const key = await keyPair(alg);
    const created = await createClient({ name: `Worker ${alg}`, token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [key.jwk] } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [{ kid: key.kid }] }, jwks_uri: null });
    expect(created.body.client_secret).toBeUndefined();
    const config = await discover(created.body.client_id, oidc.PrivateKeyJwt({ key: key.privateKey, kid: key.kid }));
    const tokens = await oidc.clientCredentialsGrant(config, { scope: 'users:read' });
    expect(decodeJwt(tokens.access_token)).toMatchObject({ client_id: created.body.client_id, org: orgId, scope: 'users:read' });
  });

  describe('with keys at a jwks_uri', () => {
    let jwksServer: Server;
    let published: { keys: unknown[] } = { keys: [] };
    let jwksUri: string;
    beforeAll(async () => {
      jwksServer = createServer((_req, res) => {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify(published));
      });
      await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
      jwksUri = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/jwks.json`;
    });
    afterAll(async () => { await new Promise((resolve) => jwksServer.close(resolve)); });

    it('fetches the client\'s keys from its jwks_uri and authenticates with them', async () => {
      const key = await keyPair('ES256');
      published = { keys: [key.jwk] };
      const created = await createClient({ name: 'Keys at a URL', token_endpoint_auth_method: 'private_key_jwt', jwks_uri: jwksUri });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ jwks: null, jwks_uri: jwksUri });
      const config = await discover(created.body.client_id, oidc.PrivateKeyJwt({ key: key.privateKey, kid: key.kid }));
      expect((await oidc.clientCredentialsGrant(config, { scope: 'users:read' })).access_token).toBeTruthy();
    });
  });
});

describe('client secret rotation', () => {
  async function secretClient() {
    const created = await createClient({ name: 'Rotating' });
    expect(created.status).toBe(201);
    return { clientId: created.body.client_id as string, secret: created.body.client_secret as string };
  }
  const tokenWith = async (clientId: string, secret: string) =>
    oidc.clientCredentialsGrant(await discover(clientId, oidc.ClientSecretBasic(secret)), { scope: 'users:read' })
      .then(() => 'ok', (e: { error?: string; status?: number }) => e.error ?? (e.status === 401 ? 'invalid_client' : String(e)));
  const rotate = (clientId: string, body?: object) =>
    api().post(`/v1/organizations/auth-co/clients/${clientId}/rotate-secret`).set('authorization', `Bearer ${adminKey}`).send(body);

  it('keeps the previous secret working until the grace period ends, then only the new one', async () => {
    const { clientId, secret: old } = await secretClient();
    const res = await rotate(clientId, { grace_period: '2s' });
    expect(res.status).toBe(201);
    const fresh = res.body.client_secret as string;
    expect(fresh).not.toBe(old);
    expect(Date.parse(res.body.previous_secret_expires_at) - Date.now()).toBeGreaterThan(1000);
    expect(await tokenWith(clientId, old)).toBe('ok');
    expect(await tokenWith(clientId, fresh)).toBe('ok');
    await new Promise((r) => setTimeout(r, 2100));
    expect(await tokenWith(clientId, old)).toBe('invalid_client');
    expect(await tokenWith(clientId, fresh)).toBe('ok');
    const shown = await api().get(`/v1/organizations/auth-co/clients/${clientId}`).set('authorization', `Bearer ${adminKey}`);
    expect(shown.body.previous_secret_expires_at).toBeNull();
  });

  it('without a grace period, the previous secret stops at once; a second rotation drops the one before', async () => {
    const { clientId, secret: first } = await secretClient();
    const second = (await rotate(clientId, { grace_period: '1h' })).body.client_secret as string;
    const third = (await rotate(clientId)).body.client_secret as string;
    expect(await tokenWith(clientId, first)).toBe('invalid_client');
    expect(await tokenWith(clientId, second)).toBe('invalid_client');
    expect(await tokenWith(clientId, third)).toBe('ok');
  });

  it('accepts the previous secret at the introspection endpoint during the grace period', async () => {
    const { clientId, secret: old } = await secretClient();
    await rotate(clientId, { grace_period: '1h' });
    const res = await api().post('/token/introspection').auth(clientId, old).type('form').send({ token: adminKey });
    expect(res.status).toBe(200);
    expect(res.body.active).toBe(true);
  });
});
