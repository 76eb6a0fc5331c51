import { decodeJwt } from 'jose';
import { OPERATOR } from '../../../src/audit/actor.js';
import { ConsoleSessions } from '../../../src/console/session/sessions.js';
import { CONSOLE_CLIENT_ID } from '../../../src/oauth/first-party.js';
import { mintKey } from '../../support/seed.js';
import { clientConfig, FormAgent, loginAndExchange, REDIRECT_URI, refreshAt } from '../../support/oauth.js';
import { PASSWORD, startConsoleWorld, type ConsoleWorld } from './fixture.js';
import { Browserless } from './http-session.js';

/**
 * The console's own client (src/oauth/first-party.ts): one multi-organization client that skips
 * the consent page, whose grants are made like every other (a connection per person, console and
 * organization; a grant per authorization), and which nothing an organization or a store write
 * does can imitate or remove.
 */
let world: ConsoleWorld;
beforeAll(async () => {
  world = await startConsoleWorld();
});
afterAll(() => world.server.stop());

const gh = () => world.server.gatehouse;
const sessions = () => new ConsoleSessions(gh().store.consoleSessions, gh().secrets);

/** Signs in through the console (no organization named: `pick` answers the picker) and returns what the session holds. */
async function consoleSignIn(email: string, organization: string | null, pick?: string) {
  const client = new Browserless(world.server.url);
  const landed = await client.signIn(organization, email, pick);
  const session = await sessions().load(client.cookies.get('gh_console'));
  return { client, landed, html: await landed.text(), session: session!, access: session!.data.orgs[0] };
}

const apiAs = (token: string, method: string, path: string) =>
  fetch(`${world.server.url}/v1/organizations/acme${path}`, { method, headers: { authorization: `Bearer ${token}` } });

describe('the console\'s first-party client', () => {
  it('signs in without a consent page; the grant hangs from a connection for (person, console, organization) and is not audited as an app connecting', async () => {
    // a consent page would be where the sign-in stops
    const { html, access, session } = await consoleSignIn(world.member, null);
    expect(html).toContain('<h1 id="page-title">API keys</h1>');
    const claims = decodeJwt(access.accessToken);
    expect(claims).toMatchObject({ client_id: CONSOLE_CLIENT_ID, org: world.acme.id, aud: `${world.server.url}/v1`, sub: session.data.userId });
    const connection = await gh().store.appConnections.find(world.acme.id, CONSOLE_CLIENT_ID, session.data.userId);
    expect(connection).not.toBeNull();
    const events = (await gh().store.audit.list(world.acme.id, { limit: 100, cursor: null })).items;
    expect(events.filter((e) => e.action === 'app.connected')).toEqual([]);
    // the grant is served only while that connection exists
    const { client: { clientId }, secret } = gh().oauth.firstParty;
    await gh().store.appConnections.deleteByClient(world.acme.id, CONSOLE_CLIENT_ID);
    expect((await refreshAt(world.server.url, clientId, secret, access.refreshToken!)).body.error).toBe('invalid_grant');
  });

  it('acts for the organization the picker or the request names, with the person\'s roles there only, re-checked at every refresh', async () => {
    // signIn answers the picker (and fails when there is none): admin is in acme and beta
    const picked = await consoleSignIn(world.admin, null, world.beta.id);
    expect(decodeJwt(picked.access.accessToken).org).toBe(world.beta.id);
    expect(picked.access.permissions).toContain('api_keys:write');

    const member = await consoleSignIn(world.member, 'acme');
    expect(member.access.permissions.length).toBeGreaterThan(0);
    expect(member.access.permissions.every((p) => p.endsWith(':read'))).toBe(true);

    // a custom role without audit:read: the next refresh drops it from the token
    const user = await gh().identity.users.getByEmail(world.member);
    await gh().identity.roles.create(OPERATOR, world.acme.id, { name: 'keys-only', permissions: ['api_keys:read'] });
    await gh().identity.members.update(OPERATOR, world.acme.id, user!.id, { roles: ['keys-only'] });
    const { client: { clientId }, secret } = gh().oauth.firstParty;
    const refreshed = await refreshAt(world.server.url, clientId, secret, member.access.refreshToken!);
    expect(refreshed.status).toBe(200);
    expect(String(decodeJwt(refreshed.body.access_token).scope).split(' ').filter((s) => s.includes(':'))).toEqual(['api_keys:read']);
    await gh().identity.members.update(OPERATOR, world.acme.id, user!.id, { roles: ['member'] });

    // leaving the organization ends it: the refresh is refused (someone else stands in as beta's admin meanwhile)
    await gh().identity.members.add(world.beta.id, user!.id, ['admin']);
    await gh().identity.members.remove(OPERATOR, world.beta.id, picked.session.data.userId);
    expect((await refreshAt(world.server.url, clientId, secret, picked.access.refreshToken!)).body.error).toBe('invalid_grant');
    await gh().identity.members.add(world.beta.id, picked.session.data.userId, ['admin']);
    await gh().identity.members.remove(OPERATOR, world.beta.id, user!.id);
  });

  it('carries the organization\'s whole vocabulary the person holds (platform and own APIs), and a permission added later from the next sign-in', async () => {
    const platform = await gh().identity.resources.create(OPERATOR, null, { identifier: 'https://pipelines.example', name: 'Pipelines', permissions: ['pipelines:read', 'pipelines:run'] });
    await gh().identity.resources.create(OPERATOR, world.acme.id, { identifier: 'https://reports.acme.test', permissions: ['reports:read'] });
    try {
      const scopeOf = (token: string) => String(decodeJwt(token).scope).split(' ');
      const admin = await consoleSignIn(world.admin, 'acme');
      expect(scopeOf(admin.access.accessToken)).toEqual(expect.arrayContaining(['api_keys:write', 'pipelines:run', 'pipelines:read', 'reports:read']));
      expect(admin.access.permissions).toContain('pipelines:run');
      const member = await consoleSignIn(world.member, 'acme');
      expect(member.access.permissions).toEqual(expect.arrayContaining(['pipelines:read', 'reports:read']));
      expect(member.access.permissions).not.toContain('pipelines:run');
      // what the token delegates through the management API: a key with the platform API's permission
      const created = await fetch(`${world.server.url}/v1/organizations/acme/api-keys`, {
        method: 'POST', headers: { authorization: `Bearer ${admin.access.accessToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'runner', permissions: ['pipelines:run'] }),
      });
      expect(created.status).toBe(201);

      // refreshing keeps what the grant holds; a permission the API gains reaches the next sign-in, at once for the admin
      await gh().identity.resources.update(OPERATOR, null, platform.id, { permissions: ['pipelines:read', 'pipelines:run', 'pipelines:cancel'] });
      const { client: { clientId }, secret } = gh().oauth.firstParty;
      const refreshed = await refreshAt(world.server.url, clientId, secret, admin.access.refreshToken!);
      expect(scopeOf(refreshed.body.access_token)).toContain('pipelines:run');
      const again = await consoleSignIn(world.admin, 'acme');
      expect(again.access.permissions).toEqual(expect.arrayContaining(['pipelines:run', 'pipelines:cancel']));
    } finally {
      await gh().identity.resources.delete(OPERATOR, null, platform.id);
    }
  });

  it('is not among the organization\'s connected apps, so no one disconnects everyone\'s console there by surprise', async () => {
    const { access } = await consoleSignIn(world.admin, 'acme');
    const { key } = await mintKey(gh(), world.acme.id);
    for (const token of [access.accessToken, key]) {
      const listed = (await (await apiAs(token, 'GET', '/connected-apps')).json()) as { data: Array<{ client_id: string }> };
      expect(listed.data.map((a) => a.client_id)).not.toContain(CONSOLE_CLIENT_ID);
      expect((await apiAs(token, 'GET', `/connected-apps/${CONSOLE_CLIENT_ID}`)).status).toBe(404);
      expect((await apiAs(token, 'DELETE', `/connected-apps/${CONSOLE_CLIENT_ID}`)).status).toBe(404);
    }
    const { client: { clientId }, secret } = gh().oauth.firstParty;
    expect((await refreshAt(world.server.url, clientId, secret, access.refreshToken!)).status).toBe(200);
  });

  it('cannot be imitated: a wrong secret or a stored client with its id gets invalid_client, and a registered app never skips consent', async () => {
    const { access } = await consoleSignIn(world.admin, 'acme');
    expect((await refreshAt(world.server.url, CONSOLE_CLIENT_ID, 'guessed', access.refreshToken!)).body.error).toBe('invalid_client');

    // a store write cannot make a client first-party: a record with the console's id is never served
    const now = new Date();
    await gh().store.clients.create({
      clientId: CONSOLE_CLIENT_ID, organizationId: world.acme.id, name: 'impostor', redirectUris: ['https://evil.example/cb'], postLogoutRedirectUris: [],
      grantTypes: ['authorization_code', 'refresh_token'], tokenEndpointAuthMethod: 'client_secret_basic',
      sealedSecret: gh().secrets.seal('known-secret', `client:${CONSOLE_CLIENT_ID}`), scope: 'openid', permissions: [], multiOrganization: true,
      jwks: null, jwksUri: null, previousSealedSecret: null, previousSecretExpiresAt: null, requirePushedAuthorizationRequests: false, dpopBoundAccessTokens: false, createdAt: now, updatedAt: now,
    });
    try {
      expect((await refreshAt(world.server.url, CONSOLE_CLIENT_ID, 'known-secret', access.refreshToken!)).body.error).toBe('invalid_client');
      const evil = new URLSearchParams({ client_id: CONSOLE_CLIENT_ID, response_type: 'code', redirect_uri: 'https://evil.example/cb', scope: 'openid',
        code_challenge: 'x'.repeat(43), code_challenge_method: 'S256' });
      const res = await fetch(`${world.server.url}/auth?${evil}`, { redirect: 'manual' });
      expect(res.status).toBe(400);
      expect(res.headers.get('location')).toBeNull();
    } finally {
      await gh().store.clients.delete(CONSOLE_CLIENT_ID);
    }

    // the clients API takes no client id, and a registered multi-organization app gets the consent page
    const { key } = await mintKey(gh(), world.acme.id);
    const created = await fetch(`${world.server.url}/v1/organizations/acme/clients`, {
      method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Lookalike', client_id: CONSOLE_CLIENT_ID, redirect_uris: [REDIRECT_URI], multi_organization: true }),
    });
    expect(created.status).toBe(400);
    const { client, client_secret } = await gh().oauth.clients.create(OPERATOR, world.acme.id, { name: 'Lookalike', redirect_uris: [REDIRECT_URI], multi_organization: true });
    const config = await clientConfig(world.server.url, client.clientId, client_secret);
    const { pages, tokens } = await loginAndExchange(config, new FormAgent(), world.server.url, { email: world.member, password: PASSWORD },
      { scope: 'openid api_keys:read', organization: 'acme' });
    expect(pages).toEqual(['login', 'consent']);
    expect(tokens.refresh_token).toBeUndefined();
  });
});
