import { OPERATOR } from '../../../src/audit/actor.js';
import { startTestServer, type RunningGatehouse } from '../../support/harness.js';
import { clientConfig, FormAgent, loginAndExchange, openInteraction, PASSWORD, refreshAt, submitLoginForm } from '../../support/oauth.js';
import { mintKey } from '../../support/seed.js';

/*
 * SPEC §4: a disabled member cannot sign in and their sessions' grants and refresh tokens end;
 * the keys they created (and the keys those keys created) are revoked, audited, when they are
 * disabled or leave. Their authorizations end through the connected-apps model (SPEC §3): every
 * app acting for the organization, its own or another organization's multi-organization app.
 */

let server: RunningGatehouse;
let orgId: string;
let adminKey: string;
let client: { clientId: string; secret: string };

beforeAll(async () => {
  server = await startTestServer();
  const gh = server.gatehouse;
  orgId = (await gh.identity.organizations.create({ slug: 'acme', plan: 'pro' })).id;
  await gh.identity.roles.create(OPERATOR, orgId, { name: 'keymaker', permissions: ['api_keys:read', 'api_keys:write', 'audit:read'] });
  await gh.identity.users.create({ email: 'owner@acme.test', password: PASSWORD, organizationId: orgId, roles: ['admin'] });
  adminKey = (await mintKey(gh, orgId, ['users:read', 'users:write', 'api_keys:read', 'api_keys:write', 'audit:read', 'roles:read'])).key;
  const made = await gh.oauth.clients.create(OPERATOR, orgId, { name: 'Dashboard', redirect_uris: ['http://127.0.0.1:9/callback'] });
  client = { clientId: made.client.clientId, secret: made.client_secret! };
});
afterAll(async () => {
  await server.stop();
});

const api = (path: string, key: string, method = 'GET', body?: object) => fetch(`${server.url}/v1/organizations/acme${path}`, {
  method, headers: { 'content-type': 'application/json', ...(key.startsWith('ak_') ? { 'X-API-Key': key } : { authorization: `Bearer ${key}` }) },
  body: body ? JSON.stringify(body) : undefined,
});

/** The person's standing authorization of the organization's app (the root its grants hang from). */
const connectionOf = (userId: string) => server.gatehouse.store.appConnections.find(orgId, client.clientId, userId);

/** A member signed in with a refresh token, who minted a key, whose key minted another. */
async function memberWithKeys(email: string) {
  const { user } = await server.gatehouse.identity.users.create({ email, password: PASSWORD, organizationId: orgId, roles: ['keymaker'] });
  const config = await clientConfig(server.url, client.clientId, client.secret);
  const { tokens } = await loginAndExchange(config, new FormAgent(), server.url, { email, password: PASSWORD },
    { scope: 'openid offline_access api_keys:read api_keys:write audit:read', prompt: 'consent' });
  const own = await (await api('/api-keys', tokens.access_token, 'POST', { name: 'mine', permissions: ['api_keys:write', 'audit:read'] })).json() as { id: string; key: string; created_by: string };
  expect(own.created_by).toBe(`user:${user.id}`);
  const grandchild = await (await api('/api-keys', own.key, 'POST', { name: 'via my key', permissions: ['audit:read'] })).json() as { id: string; key: string };
  const bystander = await mintKey(server.gatehouse, orgId, ['audit:read']);
  return { userId: user.id, config, tokens, keys: [own, grandchild], bystander };
}

const refresh = (refreshToken: string) => refreshAt(server.url, client.clientId, client.secret, refreshToken);

describe('a disabled member', () => {
  it('loses their grants and refresh tokens at once, cannot sign in, and their keys are revoked (audited)', async () => {
    const dee = await memberWithKeys('dee@acme.test');
    expect(await connectionOf(dee.userId)).not.toBeNull();

    const res = await api(`/users/${dee.userId}`, adminKey, 'PATCH', { disabled: true });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ disabled: true });

    expect(await connectionOf(dee.userId)).toBeNull();
    expect(await refresh(dee.tokens.refresh_token!)).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    for (const key of dee.keys) expect((await api('/api-keys', key.key)).status).toBe(401);
    expect((await api('/api-keys', dee.bystander.key)).status).not.toBe(401);

    const page = await openInteraction(new FormAgent(), server.url, dee.config);
    const login = await submitLoginForm(new FormAgent(), server.url, page.html, { email: 'dee@acme.test', password: PASSWORD });
    expect(login.status).not.toBe(303);

    const audit = await (await api('/audit-logs?limit=100', adminKey)).json() as { data: Array<{ action: string; target: { id: string }; metadata: Record<string, unknown> }> };
    const revoked = audit.data.filter((e) => e.action === 'api_key.revoked').map((e) => [e.target.id, e.metadata.reason]);
    expect(revoked).toEqual(expect.arrayContaining(dee.keys.map((k) => [k.id, 'creator_disabled'])));
  });

  it('may be enabled again and sign in again; their revoked keys and old refresh tokens stay dead', async () => {
    const kim = await memberWithKeys('kim@acme.test');
    await api(`/users/${kim.userId}`, adminKey, 'PATCH', { disabled: true });
    expect((await api(`/users/${kim.userId}`, adminKey, 'PATCH', { disabled: false })).status).toBe(200);
    expect((await refresh(kim.tokens.refresh_token!)).status).toBe(400);
    const { tokens } = await loginAndExchange(kim.config, new FormAgent(), server.url, { email: 'kim@acme.test', password: PASSWORD },
      { scope: 'openid api_keys:read' });
    expect(tokens.access_token).toBeDefined();
    for (const key of kim.keys) expect((await api('/api-keys', key.key)).status).toBe(401);
  });
});

describe('a member who leaves', () => {
  it('takes their keys, and the keys those keys minted, with them; their refresh tokens end', async () => {
    const eve = await memberWithKeys('eve@acme.test');
    expect((await api(`/users/${eve.userId}`, adminKey, 'DELETE')).status).toBe(204);
    for (const key of eve.keys) expect((await api('/api-keys', key.key)).status).toBe(401);
    expect((await refresh(eve.tokens.refresh_token!)).status).toBe(400);
    expect(await connectionOf(eve.userId)).toBeNull();
  });
});
