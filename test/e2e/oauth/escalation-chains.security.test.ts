import { OPERATOR } from '../../../src/audit/actor.js';
import { MANAGEMENT_PERMISSIONS } from '../../../src/domain/permissions.js';
import { startTestServer, type RunningGatehouse } from '../../support/harness.js';
import { acceptInvitation, mailedLink } from '../../support/invitations.js';
import { PASSWORD, REDIRECT_URI } from '../../support/oauth.js';
import { mintKey } from '../../support/seed.js';
import { clientCredentialsToken, userAccessToken } from '../../support/tokens.js';

/*
 * SPEC §2a "by any mutation or chain of mutations": each chain below tries to reach a permission
 * the caller lacks in two steps, the way issue 8's attacker did (rotate a client's secret, then
 * use the client; invite, then accept; create a role, then hand it out). Every path ends at the
 * caller's own permissions.
 */

let server: RunningGatehouse;
let orgId: string;
let app: { clientId: string; secret: string };
beforeAll(async () => {
  server = await startTestServer();
  const gh = server.gatehouse;
  orgId = (await gh.identity.organizations.create({ slug: 'acme', plan: 'pro' })).id;
  await gh.identity.users.create({ email: 'owner@acme.test', password: PASSWORD, organizationId: orgId, roles: ['admin'] });
  const { client, client_secret } = await gh.oauth.clients.create(OPERATOR, orgId, { name: 'Dashboard', redirect_uris: [REDIRECT_URI] });
  app = { clientId: client.clientId, secret: client_secret! };
});
afterAll(() => server.stop());

const api = (path: string, key: string, method = 'GET', body?: object) => fetch(`${server.url}/v1/organizations/acme${path}`, {
  method, headers: { 'content-type': 'application/json', ...(key.startsWith('ak_') ? { 'X-API-Key': key } : { authorization: `Bearer ${key}` }) },
  body: body ? JSON.stringify(body) : undefined,
});

describe('two-step paths to a permission the caller lacks', () => {
  it('rotate a client secret, then use the client: the rotation is refused, so the client stays out of reach', async () => {
    const { client, client_secret } = await server.gatehouse.oauth.clients.create(OPERATOR, orgId, {
      name: 'provisioner', grant_types: ['client_credentials'], permissions: ['api_keys:read', 'api_keys:write', 'users:write'],
    });
    const attacker = (await mintKey(server.gatehouse, orgId, ['clients:read', 'clients:write'])).key;
    const rotated = await api(`/clients/${client.clientId}/rotate-secret`, attacker, 'POST');
    expect(rotated.status).toBe(403);
    expect(await rotated.json()).not.toHaveProperty('client_secret');
    // the legitimate owner of the client can still use it with the secret only it knows
    const token = await clientCredentialsToken(server.url, client.clientId, client_secret!, ['api_keys:write', 'users:write']);
    expect((await api('/api-keys', token, 'POST', { name: 'ok', permissions: ['users:write'] })).status).toBe(201);

    // one who holds everything the client holds may rotate, and the new secret works at once
    const holder = (await mintKey(server.gatehouse, orgId, ['clients:write', 'api_keys:read', 'api_keys:write', 'users:write'])).key;
    const fresh = await api(`/clients/${client.clientId}/rotate-secret`, holder, 'POST');
    expect(fresh.status).toBe(201);
    const { client_secret: newSecret } = await fresh.json() as { client_secret: string };
    await expect(clientCredentialsToken(server.url, client.clientId, client_secret!, ['users:write'])).rejects.toThrow();
    expect(await clientCredentialsToken(server.url, client.clientId, newSecret, ['users:write'])).toMatch(/^eyJ/);
  });

  it('invite, then accept: a weaker caller cannot invite to stronger roles, and whom it invites holds no more than it does', async () => {
    const writer = (await mintKey(server.gatehouse, orgId, [...MANAGEMENT_PERMISSIONS.filter((p) => p.endsWith(':read')), 'users:write'])).key;
    expect((await api('/invitations', writer, 'POST', { email: 'sock-puppet@evil.test', roles: ['admin'] })).status).toBe(403);
    expect((await api('/invitations', writer, 'POST', { email: 'sock-puppet@evil.test', roles: ['member'] })).status).toBe(201);
    const joined = await acceptInvitation(server.url, await mailedLink(server.gatehouse, 'sock-puppet@evil.test'), { mode: 'signup', password: 'puppet passphrase' });
    expect(joined.status).toBe(200);
    // the puppet asks for everything; it gets what `member` holds, and cannot write anything
    const token = await userAccessToken(server.url, app.clientId, app.secret, { email: 'sock-puppet@evil.test', password: 'puppet passphrase' }, MANAGEMENT_PERMISSIONS);
    expect((await api('/api-keys', token, 'POST', { name: 'x', permissions: ['api_keys:read'] })).status).toBe(403);
    expect((await api('/invitations', token, 'POST', { email: 'another@evil.test', roles: ['admin'] })).status).toBe(403);
  });

  it('create a role, then hand it out: the role holds only what its creator holds, and cannot be widened later', async () => {
    const manager = (await mintKey(server.gatehouse, orgId, ['roles:read', 'roles:write', 'users:read', 'users:write', 'audit:read'])).key;
    expect((await api('/roles', manager, 'POST', { name: 'keymaster', permissions: ['api_keys:write'] })).status).toBe(403);
    expect((await api('/roles', manager, 'POST', { name: 'auditor', permissions: ['audit:read'] })).status).toBe(201);
    expect((await api('/roles/auditor', manager, 'PATCH', { permissions: ['audit:read', 'api_keys:write'] })).status).toBe(403);
    expect((await api('/invitations', manager, 'POST', { email: 'aud@acme.test', roles: ['auditor'] })).status).toBe(201);
    await acceptInvitation(server.url, await mailedLink(server.gatehouse, 'aud@acme.test'), { mode: 'signup', password: 'auditor passphrase' });
    const token = await userAccessToken(server.url, app.clientId, app.secret, { email: 'aud@acme.test', password: 'auditor passphrase' }, MANAGEMENT_PERMISSIONS);
    const { scope } = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as { scope: string };
    expect(scope.split(' ').filter((p) => p.includes(':')).sort()).toEqual(['audit:read']);
  });

  it('a key mints keys, which mint keys: none ever holds more than the first, nor a live one from a test one', async () => {
    const parent = (await mintKey(server.gatehouse, orgId, ['api_keys:read', 'api_keys:write', 'audit:read'], { environment: 'test' })).key;
    const child = await api('/api-keys', parent, 'POST', { name: 'child', permissions: ['api_keys:write', 'audit:read'], environment: 'test' });
    expect(child.status).toBe(201);
    const childKey = (await child.json() as { key: string }).key;
    expect((await api('/api-keys', childKey, 'POST', { name: 'grandchild', permissions: ['api_keys:read'], environment: 'test' })).status).toBe(403);
    expect((await api('/api-keys', childKey, 'POST', { name: 'grandchild', permissions: ['audit:read'], environment: 'live' })).status).toBe(403);
    expect((await api('/api-keys', childKey, 'POST', { name: 'grandchild', permissions: ['audit:read'], environment: 'test' })).status).toBe(201);
  });
});
