import { MANAGEMENT_PERMISSIONS } from '../../../src/domain/permissions.js';
import { startTestServer, type RunningGatehouse } from '../../support/harness.js';
import { mintKey, seedOrganization } from '../../support/seed.js';

let server: RunningGatehouse;
let adminKey: string;
beforeAll(async () => {
  server = await startTestServer();
  const org = await seedOrganization(server.gatehouse, 'acme');
  adminKey = (await mintKey(server.gatehouse, org.id, MANAGEMENT_PERMISSIONS)).key;
});
afterAll(() => server.stop());

const call = (path: string, init: RequestInit & { credential: Record<string, string> }) =>
  fetch(`${server.url}${path}`, { ...init, headers: { 'content-type': 'application/json', ...init.credential } });

async function clientToken(permissions: string[]): Promise<{ token: string; clientId: string }> {
  const registered = await call('/v1/organizations/acme/clients', {
    method: 'POST', credential: { 'X-API-Key': adminKey },
    body: JSON.stringify({ name: 'worker', grant_types: ['client_credentials'], permissions }),
  });
  expect(registered.status).toBe(201);
  const { client_id, client_secret } = await registered.json() as { client_id: string; client_secret: string };
  const res = await fetch(`${server.url}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${client_id}:${client_secret}`).toString('base64')}` },
    body: new URLSearchParams({ grant_type: 'client_credentials', scope: permissions.join(' ') }),
  });
  expect(res.status).toBe(200);
  return { token: ((await res.json()) as { access_token: string }).access_token, clientId: client_id };
}

describe('the management API accepts OAuth access tokens through the same middleware', () => {
  it('a client_credentials token creates a key within its own permissions, recorded as created by the client', async () => {
    const { token, clientId } = await clientToken(['api_keys:read', 'api_keys:write', 'users:read']);
    const auth = { authorization: `Bearer ${token}` };
    const created = await call('/v1/organizations/acme/api-keys', { method: 'POST', credential: auth, body: JSON.stringify({ name: 'from-token', permissions: ['users:read'] }) });
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ created_by: `client:${clientId}` });
    const escalate = await call('/v1/organizations/acme/api-keys', { method: 'POST', credential: auth, body: JSON.stringify({ name: 'x', permissions: ['users:write'] }) });
    expect(escalate.status).toBe(403);
  });

  it('a read-only token reads but cannot write', async () => {
    const { token } = await clientToken(['users:read']);
    const auth = { authorization: `Bearer ${token}` };
    expect((await call('/v1/organizations/acme/users', { credential: auth })).status).toBe(200);
    expect((await call('/v1/organizations/acme/invitations', { method: 'POST', credential: auth, body: '{}' })).status).toBe(403);
  });
});
