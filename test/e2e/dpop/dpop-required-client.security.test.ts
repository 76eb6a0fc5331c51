import * as oidc from 'openid-client';
import { MANAGEMENT_PERMISSIONS } from '../../../src/domain/permissions.js';
import { startTestServer, type RunningGatehouse } from '../../support/harness.js';
import { clientConfig, seedOAuth } from '../../support/oauth.js';
import { mintKey } from '../../support/seed.js';
import { dpopUserTokens, jktOf } from '../../support/dpop.js';

/*
 * A client registered with `dpop_bound_access_tokens: true` (RFC 9449 §5.2, SPEC §3) gets
 * sender-constrained tokens only: every grant refuses a token request without a DPoP proof, so
 * no bearer token of that client ever exists. The setting is a change to the client, under the
 * client rules of SPEC §2a (src/oauth/client-reach.ts).
 */

let server: RunningGatehouse;
beforeAll(async () => { server = await startTestServer(); });
afterAll(() => server.stop());

const OFFLINE = { prompt: 'consent' };

/** A raw token request, so the refusal is data (openid-client would throw). */
async function tokenRequest(clientId: string, secret: string, form: Record<string, string>) {
  const res = await fetch(`${server.url}/token`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form),
  });
  return { status: res.status, body: await res.json() as Record<string, string> };
}

describe('a client that requires DPoP-bound access tokens', () => {
  it('gets no token without a DPoP proof at client_credentials, the code exchange or a refresh', async () => {
    const seeded = await seedOAuth(server.gatehouse, { client: { dpop_bound_access_tokens: true } });
    expect(seeded.client.dpopBoundAccessTokens).toBe(true);
    const plain = await tokenRequest(seeded.client.clientId, seeded.clientSecret!, { grant_type: 'client_credentials', scope: 'users:read' });
    expect(plain).toEqual({ status: 400, body: { error: 'invalid_grant', error_description: expect.stringMatching(/must present a DPoP proof/) } });

    const config = await clientConfig(server.url, seeded.client.clientId, seeded.clientSecret);
    await expect(dpopUserTokens(config, server.url, seeded, undefined, 'openid')).rejects.toMatchObject({ error: 'invalid_grant' });

    const DPoP = oidc.getDPoPHandle(config, await oidc.randomDPoPKeyPair());
    const tokens = await dpopUserTokens(config, server.url, seeded, DPoP, 'openid offline_access', OFFLINE);
    expect(tokens.token_type).toBe('dpop');
    expect(jktOf(tokens.access_token)).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const refreshWithoutProof = await tokenRequest(seeded.client.clientId, seeded.clientSecret!, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token! });
    expect([refreshWithoutProof.status, refreshWithoutProof.body.error, refreshWithoutProof.body.access_token]).toEqual([400, 'invalid_grant', undefined]);
    // the refused attempt consumed nothing: the same refresh token works with a proof
    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!, undefined, { DPoP });
    expect([refreshed.token_type, jktOf(refreshed.access_token)]).toEqual(['dpop', jktOf(tokens.access_token)]);
  });

  it('gets bound tokens with a proof, accepted with proofs at the management API and refused there as Bearer', async () => {
    const seeded = await seedOAuth(server.gatehouse, { client: { dpop_bound_access_tokens: true } });
    const config = await clientConfig(server.url, seeded.client.clientId, seeded.clientSecret);
    const DPoP = oidc.getDPoPHandle(config, await oidc.randomDPoPKeyPair());
    const tokens = await oidc.clientCredentialsGrant(config, { scope: 'users:read' }, { DPoP });
    expect(tokens.token_type).toBe('dpop');
    const url = new URL(`${server.url}/v1/organizations/${seeded.org.id}/users`);
    expect((await oidc.fetchProtectedResource(config, tokens.access_token, url, 'GET', undefined, undefined, { DPoP })).status).toBe(200);
    const asBearer = await fetch(url, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(asBearer.status).toBe(401);
    expect(asBearer.headers.get('www-authenticate')).toMatch(/DPoP/);
  });

  it('is set and lifted through the API (dpop_bound_access_tokens) by a caller holding all the client can obtain, and by no weaker caller', async () => {
    const gh = server.gatehouse;
    const org = await gh.identity.organizations.create({ slug: 'dpop-api' });
    await gh.identity.users.create({ email: 'dpop-owner@example.com', password: 'correct horse battery staple', organizationId: org.id, roles: ['admin'] });
    const admin = (await mintKey(gh, org.id, MANAGEMENT_PERMISSIONS)).key;
    const weaker = (await mintKey(gh, org.id, ['clients:read', 'clients:write'])).key;
    const call = async (path: string, key: string, method: string, body?: object) => {
      const res = await fetch(`${server.url}/v1/organizations/dpop-api${path}`, {
        method, headers: { 'content-type': 'application/json', 'X-API-Key': key }, body: body ? JSON.stringify(body) : undefined,
      });
      return { status: res.status, body: await res.json() as Record<string, unknown> };
    };
    const created = await call('/clients', admin, 'POST', { name: 'bound', grant_types: ['client_credentials'], permissions: ['users:write'], dpop_bound_access_tokens: true });
    expect([created.status, created.body.dpop_bound_access_tokens]).toEqual([201, true]);
    const id = created.body.client_id as string;
    const lifted = await call(`/clients/${id}`, weaker, 'PATCH', { dpop_bound_access_tokens: false });
    expect([lifted.status, lifted.body.code]).toEqual([403, 'permission_escalation']);
    expect((await gh.oauth.clients.findById(id))!.dpopBoundAccessTokens).toBe(true);
    expect((await call(`/clients/${id}`, admin, 'PATCH', { dpop_bound_access_tokens: false })).body.dpop_bound_access_tokens).toBe(false);
    // setting it is a change to the client as well
    expect((await call(`/clients/${id}`, weaker, 'PATCH', { dpop_bound_access_tokens: true })).status).toBe(403);
    expect((await gh.oauth.clients.findById(id))!.dpopBoundAccessTokens).toBe(false);
    expect((await call(`/clients/${id}`, admin, 'PATCH', { dpop_bound_access_tokens: 'yes' })).status).toBe(400);
  });
});
