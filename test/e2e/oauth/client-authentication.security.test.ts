import { OPERATOR } from '../../../src/audit/actor.js';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { openStore } from '../../../src/store/open.js';
import type { Store } from '../../../src/store/ports.js';
import { startTestServer, type RunningGatehouse } from '../../support/harness.js';

/**
 * Client authentication as an attacker tries it: forged, replayed and misaddressed assertions,
 * the wrong method for the client, HMAC assertions (client_secret_jwt is not offered), a
 * jwks_uri aimed at the server's own network, and what the store keeps of rotated secrets.
 */
let server: RunningGatehouse;
let store: Store;
let dir: string;
let orgId: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gatehouse-client-auth-'));
  store = await openStore(`sqlite:${join(dir, 'gatehouse.db')}`);
  server = await startTestServer({}, { store });
  orgId = (await server.gatehouse.identity.organizations.create({ slug: 'auth-sec' })).id;
});
afterAll(async () => {
  await server.stop();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

async function keyClient() {
  const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256' };
  const { client } = await server.gatehouse.oauth.clients.create(OPERATOR, orgId, {
    name: 'Signed', grant_types: ['client_credentials'], permissions: ['users:read'], token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [jwk] },
  });
  return { clientId: client.clientId, privateKey };
}

const assertion = (clientId: string, key: CryptoKey | Uint8Array, over: { aud?: string; jti?: string; alg?: string; exp?: number } = {}) =>
  new SignJWT({ jti: over.jti ?? randomUUID() })
    .setProtectedHeader({ alg: over.alg ?? 'ES256', kid: 'k1' }).setIssuer(clientId).setSubject(clientId)
    .setAudience(over.aud ?? `${server.url}/token`).setIssuedAt().setExpirationTime(over.exp ?? Math.floor(Date.now() / 1000) + 60)
    .sign(key);

async function tokenRequest(form: Record<string, string>, headers: Record<string, string> = {}) {
  const res = await fetch(`${server.url}/token`, {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'users:read', ...form }),
  });
  return { status: res.status, body: await res.json() as Record<string, string> };
}
const withAssertion = (jwt: string) => tokenRequest({ client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: jwt });

describe('private_key_jwt', () => {
  it('accepts a good assertion once; the same assertion again is refused (jti replay)', async () => {
    const { clientId, privateKey } = await keyClient();
    const jwt = await assertion(clientId, privateKey);
    expect((await withAssertion(jwt)).status).toBe(200);
    expect(await withAssertion(jwt)).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
  });

  it('refuses an assertion signed by another key, for another audience, or expired', async () => {
    const { clientId } = await keyClient();
    const other = await generateKeyPair('ES256');
    expect(await withAssertion(await assertion(clientId, other.privateKey))).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
    const { clientId: id2, privateKey } = await keyClient();
    expect((await withAssertion(await assertion(id2, privateKey, { aud: 'https://elsewhere.example.com/token' }))).status).toBe(401);
    expect((await withAssertion(await assertion(id2, privateKey, { exp: Math.floor(Date.now() / 1000) - 120 }))).status).toBe(401);
  });

  it('refuses a secret for a private_key_jwt client, and an assertion for a secret client', async () => {
    const { clientId } = await keyClient();
    const basic = `Basic ${Buffer.from(`${clientId}:anything`).toString('base64')}`;
    expect((await tokenRequest({}, { authorization: basic })).status).toBe(401);
    const { client, client_secret } = await server.gatehouse.oauth.clients.create(OPERATOR, orgId, { name: 'Secret', grant_types: ['client_credentials'] });
    // an HMAC assertion keyed with the client's own secret: client_secret_jwt, which is not offered
    const hmac = await assertion(client.clientId, new TextEncoder().encode(client_secret), { alg: 'HS256' });
    expect(await withAssertion(hmac)).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
  });

  it('advertises exactly the methods and algorithms it enforces: no client_secret_jwt, no HMAC', async () => {
    const doc = await (await fetch(`${server.url}/.well-known/openid-configuration`)).json() as Record<string, string[]>;
    expect(doc.token_endpoint_auth_methods_supported).toEqual(['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none']);
    expect(doc.token_endpoint_auth_signing_alg_values_supported).toEqual(['RS256', 'PS256', 'ES256', 'Ed25519', 'EdDSA']);
  });

  describe('a jwks_uri on the server\'s own network', () => {
    let internal: Server;
    let hits = 0;
    beforeAll(async () => {
      internal = createServer((_req, res) => { hits++; res.end('{"keys":[]}'); });
      await new Promise<void>((resolve) => internal.listen(0, '127.0.0.1', resolve));
    });
    afterAll(async () => { await new Promise((resolve) => internal.close(resolve)); });

    it('is never fetched unless oauth.allowPrivateJwksUris is set (no request leaves for a loopback address)', async () => {
      const uri = `http://127.0.0.1:${(internal.address() as AddressInfo).port}/jwks`;
      const { client } = await server.gatehouse.oauth.clients.create(OPERATOR, orgId, {
        name: 'SSRF', grant_types: ['client_credentials'], token_endpoint_auth_method: 'private_key_jwt', jwks_uri: uri,
      });
      const { privateKey } = await generateKeyPair('ES256');
      expect(await withAssertion(await assertion(client.clientId, privateKey))).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
      expect(hits).toBe(0);
    });
  });
});

describe('rotated client secrets', () => {
  it('are sealed at rest, current and previous, and the previous one stops when its grace ends', async () => {
    const { client, client_secret: first } = await server.gatehouse.oauth.clients.create(OPERATOR, orgId, { name: 'Rotated', grant_types: ['client_credentials'] });
    const { client_secret: second } = await server.gatehouse.oauth.clients.rotateSecret(OPERATOR, orgId, client.clientId, 3600);
    const bytes = Buffer.concat(readdirSync(dir).map((f) => readFileSync(join(dir, f)))).toString('latin1');
    expect(bytes).toContain(client.clientId);
    for (const secret of [first!, second]) expect(bytes).not.toContain(secret);
    expect(await server.gatehouse.oauth.clients.verifySecret(client.clientId, first!)).not.toBeNull();
    await server.gatehouse.store.clients.update(client.clientId, { previousSecretExpiresAt: new Date(Date.now() - 1) });
    expect(await server.gatehouse.oauth.clients.verifySecret(client.clientId, first!)).toBeNull();
    expect(await server.gatehouse.oauth.clients.verifySecret(client.clientId, second)).not.toBeNull();
  });

  it('refuses a grace period beyond 30 days, and rotating a client that has no secret', async () => {
    const { client } = await server.gatehouse.oauth.clients.create(OPERATOR, orgId, { name: 'Long', grant_types: ['client_credentials'] });
    await expect(server.gatehouse.oauth.clients.rotateSecret(OPERATOR, orgId, client.clientId, 31 * 86_400)).rejects.toMatchObject({ status: 400 });
    const { clientId } = await keyClient();
    await expect(server.gatehouse.oauth.clients.rotateSecret(OPERATOR, orgId, clientId, 0)).rejects.toMatchObject({ status: 400, code: 'no_client_secret' });
  });
});
