import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import * as oidc from 'openid-client';
import { openStore } from '../../../src/store/open.js';
import type { Store } from '../../../src/store/ports.js';
import request from 'supertest';
import { createTestGatehouse, startTestServer, type RunningGatehouse } from '../../support/harness.js';
import { clientConfig, FormAgent, loginAndExchange, seedOAuth } from '../../support/oauth.js';

let store: Store;
let server: RunningGatehouse;
beforeAll(async () => {
  store = await openStore('sqlite::memory:');
  server = await startTestServer({}, { store });
});
afterAll(async () => {
  await server.stop();
  await store.close();
});

const verifyAt = (token: string) => jwtVerify(token, createRemoteJWKSet(new URL(`${server.url}/jwks`)),
  { issuer: server.url, audience: `${server.url}/v1`, typ: 'at+jwt' });

describe('signing-key rotation', () => {
  it('keeps tokens signed before a rotation valid through the JWKS and signs new ones with the new key', async () => {
    const { client, clientSecret } = await seedOAuth(server.gatehouse);
    const config = await clientConfig(server.url, client.clientId, clientSecret);
    const before = await oidc.clientCredentialsGrant(config, { scope: 'users:read' });
    const oldKid = decodeProtectedHeader(before.access_token).kid;

    const rotated = await server.gatehouse.oauth.signingKeys.rotate('ES256');
    expect(rotated.kid).not.toBe(oldKid);

    const after = await oidc.clientCredentialsGrant(config, { scope: 'users:read' });
    expect(decodeProtectedHeader(after.access_token)).toMatchObject({ kid: rotated.kid, alg: 'ES256', typ: 'at+jwt' });
    await expect(verifyAt(before.access_token)).resolves.toBeDefined();
    await expect(verifyAt(after.access_token)).resolves.toBeDefined();
    const jwks = await (await fetch(`${server.url}/jwks`)).json() as { keys: Array<{ kid: string; d?: unknown }> };
    expect(jwks.keys.map((k) => k.kid)).toEqual([rotated.kid, oldKid]);
    expect(jwks.keys.every((k) => k.d === undefined)).toBe(true);
  });

  it('signs ID tokens with the active key after a rotation to EdDSA', async () => {
    const seeded = await seedOAuth(server.gatehouse);
    const { kid } = await server.gatehouse.oauth.signingKeys.rotate('EdDSA');
    const config = await clientConfig(server.url, seeded.client.clientId, seeded.clientSecret);
    const { tokens } = await loginAndExchange(config, new FormAgent(), server.url, seeded);
    expect(decodeProtectedHeader(tokens.id_token!)).toMatchObject({ kid, alg: 'EdDSA' });
    expect(decodeProtectedHeader(tokens.access_token)).toMatchObject({ kid, alg: 'EdDSA' });
    await expect(verifyAt(tokens.access_token)).resolves.toBeDefined();
  });

  it('lets another instance on the same store pick up the rotation without a restart', async () => {
    const other = await startTestServer({ secret: server.gatehouse.config.secret, oauth: { ...server.gatehouse.config.oauth, keyRefreshSeconds: 1 } }, { store });
    try {
      const { client, clientSecret } = await seedOAuth(server.gatehouse);
      const { kid } = await server.gatehouse.oauth.signingKeys.rotate('RS256');
      expect(other.gatehouse.oauth.signingKeys.active()!.kid).not.toBe(kid);
      // within the poll interval (1 s here, 30 s by default) the other instance signs with the new key
      const deadline = Date.now() + 5000;
      while (other.gatehouse.oauth.signingKeys.active()!.kid !== kid && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      const config = await clientConfig(other.url, client.clientId, clientSecret);
      const token = (await oidc.clientCredentialsGrant(config, { scope: 'users:read' })).access_token;
      expect(decodeProtectedHeader(token).kid).toBe(kid);
      const jwks = await (await fetch(`${other.url}/jwks`)).json() as { keys: Array<{ kid: string }> };
      expect(jwks.keys[0].kid).toBe(kid);
    } finally {
      await other.stop();
    }
  });

  it('lets another instance verify a token signed with a key rotated in after it last polled', async () => {
    // same issuer, same store, default 30 s poll: only the unknown-kid path can make it know the key
    const other = await createTestGatehouse({ secret: server.gatehouse.config.secret, issuer: server.url, port: Number(new URL(server.url).port) }, { store });
    try {
      const { org, client, clientSecret } = await seedOAuth(server.gatehouse);
      const config = await clientConfig(server.url, client.clientId, clientSecret);
      const users = (token: string) => request(other.app.callback()).get(`/v1/organizations/${org.id}/users`).set('Authorization', `Bearer ${token}`);
      const before = (await oidc.clientCredentialsGrant(config, { scope: 'users:read' })).access_token;
      expect((await users(before)).status).toBe(200);

      const { kid } = await server.gatehouse.oauth.signingKeys.rotate('ES256');
      const after = (await oidc.clientCredentialsGrant(config, { scope: 'users:read' })).access_token;
      expect(decodeProtectedHeader(after).kid).toBe(kid);
      expect(other.oauth.signingKeys.has(kid)).toBe(false);
      expect((await users(after)).status).toBe(200);
      expect((await users(before)).status).toBe(200);
    } finally {
      await other.close();
    }
  });

  it('serves a key rotated in by another instance at /jwks at once, without waiting for its poll', async () => {
    const other = await startTestServer({ secret: server.gatehouse.config.secret, oauth: { ...server.gatehouse.config.oauth, keyRefreshSeconds: 3600 } }, { store });
    try {
      const kidsAt = async (url: string) => ((await (await fetch(`${url}/jwks`)).json()) as { keys: Array<{ kid: string }> }).keys.map((k) => k.kid);
      const { kid } = await server.gatehouse.oauth.signingKeys.rotate('ES256');
      expect(other.gatehouse.oauth.signingKeys.has(kid)).toBe(false);
      expect(await kidsAt(other.url)).toContain(kid);
      // and having read it, that instance signs with it too
      expect(other.gatehouse.oauth.signingKeys.active()!.kid).toBe(kid);
    } finally {
      await other.stop();
    }
  });

  it('removes a retired key from the JWKS once every token it signed has expired', async () => {
    const keys = server.gatehouse.oauth.signingKeys;
    const retired = keys.publicJwks().keys.slice(1).map((k) => k.kid!);
    expect(retired.length).toBeGreaterThan(0);
    const later = new Date(Date.now() + (server.gatehouse.config.oauth.accessTokenTtlSeconds + 120) * 1000);
    expect(await keys.refresh(later)).toBe(true);
    expect(keys.publicJwks().keys).toHaveLength(1);
    expect((await store.signingKeys.list()).map((k) => k.kid)).toEqual([keys.active()!.kid]);
  });
});
