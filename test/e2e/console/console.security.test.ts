import { OPERATOR } from '../../../src/audit/actor.js';
import { ConsoleSessions } from '../../../src/console/session/sessions.js';
import { ConsoleCookies } from '../../../src/console/session/cookies.js';
import { PASSWORD, startConsoleWorld, type ConsoleWorld } from './fixture.js';
import { refreshAt } from '../../support/oauth.js';
import { Browserless, csrfOf, formOf, signedInAs } from './http-session.js';

let world: ConsoleWorld;
beforeAll(async () => {
  world = await startConsoleWorld();
});
afterAll(() => world.server.stop());

const signedIn = (email = world.admin) => signedInAs(world.server.url, email);

/** The session the browser's cookie names, opened with the server's secret (what only the server can do). */
async function sessionOf(client: Browserless) {
  const sessions = new ConsoleSessions(world.server.gatehouse.store.consoleSessions, world.server.gatehouse.secrets);
  return sessions.load(client.cookies.get('gh_console'));
}

const keyCount = async () => (await world.server.gatehouse.apiKeys.list(OPERATOR, world.acme.id, { limit: 100 })).items.length;

describe('console security', () => {
  it('gives the browser only an HttpOnly, SameSite=Lax session cookie; tokens stay on the server and sealed in the store', async () => {
    const { client, html } = await signedIn();
    const sessionCookie = client.setCookies.find((c) => c.startsWith('gh_console='))!;
    expect(sessionCookie).toMatch(/HttpOnly/);
    expect(sessionCookie).toMatch(/SameSite=Lax/);
    expect(sessionCookie).toMatch(/Path=\//);
    expect([...client.cookies.keys()].filter((k) => k.startsWith('gh_'))).toEqual(['gh_console']);
    const session = await sessionOf(client);
    const { accessToken, refreshToken } = session!.data.orgs[0];
    expect(accessToken).toMatch(/^eyJ/);
    expect(html).not.toContain(accessToken);
    expect(refreshToken).toBeTruthy();
    expect(html).not.toContain(refreshToken);
    expect(html).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\./);
    const record = await world.server.gatehouse.store.consoleSessions.find(session!.id);
    expect(record!.sealed).not.toContain(accessToken.slice(20, 60));
    expect(record!.id).not.toBe(client.cookies.get('gh_console'));
  });

  it('marks cookies Secure and __Host- when the issuer is https', () => {
    const cookies = new ConsoleCookies('https://auth.example.com');
    expect(cookies.names).toEqual({ session: '__Host-gh_console', signIn: '__Host-gh_console_signin' });
    const headers: string[] = [];
    cookies.write({ append: (_: string, v: string) => headers.push(v) } as never, cookies.names.session, 'v', 60);
    expect(headers[0]).toBe('__Host-gh_console=v; Path=/; HttpOnly; SameSite=Lax; Max-Age=60; Secure');
  });

  it('serves pages with a strict CSP and no inline script or style', async () => {
    const { client } = await signedIn();
    for (const path of ['/console', '/console/o/acme/api-keys', '/console/o/acme/api-keys/new', '/console/o/acme/roles', '/console/o/acme/audit-log']) {
      const res = await client.get(path);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("style-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('unsafe');
      expect(res.headers.get('cache-control')).toBe('no-store');
      const html = await res.text();
      expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
      expect(html).not.toMatch(/<style|\sstyle=|\son[a-z]+=/i);
    }
  });

  it('refuses a form without the session\'s CSRF token, or sent from another site, and creates nothing', async () => {
    const { client } = await signedIn();
    const before = await keyCount();
    const form = { name: 'csrf', permissions: 'api_keys:read', environment: 'live' };
    expect((await client.request('/console/o/acme/api-keys', { form })).status).toBe(403);
    expect((await client.request('/console/o/acme/api-keys', { form: { ...form, _csrf: 'x'.repeat(43) } })).status).toBe(403);
    const csrf = csrfOf(await (await client.get('/console/o/acme/api-keys')).text());
    expect((await client.request('/console/o/acme/api-keys', { form: { ...form, _csrf: csrf }, headers: { 'sec-fetch-site': 'cross-site' } })).status).toBe(403);
    expect((await client.request('/console/o/acme/api-keys', { form: { ...form, _csrf: csrf }, headers: { origin: 'https://evil.example' } })).status).toBe(403);
    // Origin: null (a form's own POST under Referrer-Policy: no-referrer) only from this origin
    expect((await client.request('/console/o/acme/api-keys', { form: { ...form, _csrf: csrf }, headers: { origin: 'null' } })).status).toBe(403);
    expect((await client.request('/console/o/acme/api-keys', { form: { ...form, _csrf: csrf }, headers: { origin: 'null', 'sec-fetch-site': 'cross-site' } })).status).toBe(403);
    expect((await client.request('/console/o/acme/api-keys', { form: { ...form }, headers: { origin: 'null', 'sec-fetch-site': 'same-origin' } })).status).toBe(403);
    expect(await keyCount()).toBe(before);
    expect((await client.request('/console/o/acme/api-keys', { form: { ...form, _csrf: csrf }, headers: { origin: 'null', 'sec-fetch-site': 'same-origin' } })).status).toBe(201);
    expect(await keyCount()).toBe(before + 1);
    expect((await client.request('/console/o/acme/api-keys', { form: { ...form, _csrf: csrf } })).status).toBe(201);
    expect(await keyCount()).toBe(before + 2);
  });

  it('acts only through the public API as the signed-in person: the change is audited as them, from their address', async () => {
    const { client, html } = await signedIn();
    const session = await sessionOf(client);
    const created = await client.request('/console/o/acme/api-keys', { form: { _csrf: csrfOf(html), name: 'audited', permissions: 'audit:read', environment: 'test' } });
    expect(created.status).toBe(201);
    const events = (await world.server.gatehouse.store.audit.list(world.acme.id, { limit: 5, cursor: null })).items;
    const event = events.find((e) => e.action === 'api_key.created')!;
    expect(event.actor).toEqual({ type: 'user', id: session!.data.userId });
    expect(event.ip).toBe('127.0.0.1');
  });

  it('never adopts a session id the browser brought (session fixation)', async () => {
    const client = new Browserless(world.server.url);
    client.cookies.set('gh_console', 'planted-by-an-attacker');
    const planted = await client.request('/console/o/acme/api-keys');
    expect(planted.status).toBe(303);
    expect(planted.headers.get('location')).toMatch(/\/auth\?/);
    await client.signIn('acme', world.admin);
    const issued = client.cookies.get('gh_console')!;
    expect(issued).not.toBe('planted-by-an-attacker');
    expect(issued).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // a second sign-in (another organization) issues yet another value
    await client.get('/console/sign-in?organization=beta');
    expect(client.cookies.get('gh_console')).not.toBe(issued);
    expect(await new ConsoleSessions(world.server.gatehouse.store.consoleSessions, world.server.gatehouse.secrets).load(issued)).toBeNull();
  });

  it('sign-out ends the console session and the grants it made; the person\'s console in another browser carries on', async () => {
    const elsewhere = await signedIn();
    const { client, html } = await signedIn();
    const session = await sessionOf(client);
    const { refreshToken } = session!.data.orgs[0];
    const oldCookie = client.cookies.get('gh_console')!;
    const out = await client.request('/console/sign-out', { form: { _csrf: csrfOf(html) } });
    expect(out.status).toBe(303);
    const end = new URL(out.headers.get('location')!, world.server.url);
    expect(end.pathname).toBe('/session/end');
    expect(end.searchParams.get('client_id')).toBe('gatehouse-console');
    expect(client.cookies.has('gh_console')).toBe(false);
    expect(await world.server.gatehouse.store.consoleSessions.find(session!.id)).toBeNull();
    const { client: consoleClient, secret } = world.server.gatehouse.oauth.firstParty;
    const refresh = await refreshAt(world.server.url, consoleClient.clientId, secret, refreshToken!);
    expect(refresh).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    const replay = new Browserless(world.server.url);
    replay.cookies.set('gh_console', oldCookie);
    expect((await replay.request('/console/o/acme/api-keys')).headers.get('location')).toMatch(/\/auth\?/);

    // the other browser's grant is another authorization: it still refreshes
    const sessions = new ConsoleSessions(world.server.gatehouse.store.consoleSessions, world.server.gatehouse.secrets);
    const other = (await sessionOf(elsewhere.client))!;
    await sessions.change(other, (d) => ({ ...d, orgs: d.orgs.map((o) => ({ ...o, accessExpiresAt: 0 })) }));
    const page = await elsewhere.client.request('/console/o/acme/api-keys');
    expect(page.status).toBe(200);
    expect((await sessionOf(elsewhere.client))!.data.orgs[0].refreshToken).not.toBe(other.data.orgs[0].refreshToken);
  });

  it('signing in again to an organization the session holds revokes the grant it replaces', async () => {
    const { client } = await signedIn();
    const before = (await sessionOf(client))!.data.orgs[0].refreshToken!;
    await client.get('/console/sign-in?organization=acme');
    const after = (await sessionOf(client))!.data.orgs;
    expect(after.map((o) => o.slug)).toEqual(['acme']);
    expect(after[0].refreshToken).not.toBe(before);
    const { client: { clientId }, secret } = world.server.gatehouse.oauth.firstParty;
    expect((await refreshAt(world.server.url, clientId, secret, before)).body.error).toBe('invalid_grant');
  });

  it('refuses a callback whose state is not this browser\'s sign-in, and ignores return_to outside the console', async () => {
    const client = new Browserless(world.server.url);
    const start = await client.request('/console/sign-in?organization=acme&return_to=https://evil.example/');
    const auth = new URL(start.headers.get('location')!);
    expect(auth.pathname).toBe('/auth');
    expect(auth.searchParams.get('code_challenge_method')).toBe('S256');
    const other = new Browserless(world.server.url);
    const res = await other.request(`/console/callback?code=abc&state=${auth.searchParams.get('state')}`);
    expect(res.status).toBe(400);
    expect(other.cookies.has('gh_console')).toBe(false);
    const login = await (await client.get(auth.pathname + auth.search)).text();
    const landed = await client.follow(await client.request(/action="([^"]+)"/.exec(login)![1], {
      form: { csrf: /name="csrf" value="([^"]+)"/.exec(login)![1], email: world.admin, password: PASSWORD },
    }));
    expect(client.visited.slice(-2)).toEqual(['/console/o/acme', '/console/o/acme/api-keys']);
    expect(client.visited.every((to) => !to.includes('evil.example'))).toBe(true);
    expect(await landed.text()).toContain('<h1 id="page-title">API keys</h1>');
  });

  it('tells no one whether an organization exists: one that does not and one the person is not in look the same, before and after login', async () => {
    const same = (html: string) => html.replace(/\/interaction\/[A-Za-z0-9_-]+/g, '/interaction/…').replace(/interaction=[A-Za-z0-9_-]+/g, 'interaction=…').replace(/(value|nonce)="[A-Za-z0-9_+/=-]{20,}"/g, '$1="…"');
    const attempt = async (organization: string) => {
      const client = new Browserless(world.server.url);
      const login = await client.get(`/console/sign-in?organization=${organization}`);
      const loginPage = await login.text();
      const { action, csrf } = formOf(loginPage);
      const after = await client.follow(await client.request(action, { form: { csrf, email: world.member, password: PASSWORD } }));
      return { login: [login.status, same(loginPage)], after: [after.status, same(await after.text())], session: client.cookies.has('gh_console') };
    };
    const missing = await attempt('no-such-org');
    expect(await attempt('beta')).toEqual(missing);
    expect(missing.after[0]).toBe(403);
    expect(missing.after[1]).toContain('This account does not belong to the organization this application asked for.');
    expect(missing.session).toBe(false);

    // signed in already: either is a new login, as on any app's login page
    const { client } = await signedIn(world.member);
    const [unknown, foreign] = [await client.get('/console/o/no-such-org/api-keys'), await client.get('/console/o/beta/api-keys')];
    expect([unknown.status, same(await unknown.text())]).toEqual([foreign.status, same(await foreign.text())]);
    expect(unknown.status).toBe(200);
  });

  it('keeps the console client out of the clients API: it cannot be read, changed or deleted there', async () => {
    const { client } = await signedIn();
    const session = await sessionOf(client);
    const token = session!.data.orgs[0].accessToken;
    const id = world.server.gatehouse.oauth.firstParty.client.clientId;
    expect((await (await fetch(`${world.server.url}/v1/organizations/acme/clients`, { headers: { authorization: `Bearer ${token}` } })).json() as { data: Array<{ client_id: string }> }).data
      .map((c) => c.client_id)).not.toContain(id);
    for (const method of ['GET', 'PATCH', 'DELETE']) {
      const res = await fetch(`${world.server.url}/v1/organizations/acme/clients/${id}`, {
        method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: method === 'PATCH' ? '{"redirect_uris":["https://evil.example/cb"]}' : undefined,
      });
      expect(res.status).toBe(404);
    }
  });

  it('answers a bad form with a 4xx problem, never a 500', async () => {
    const { client, html } = await signedIn();
    const json = await client.request('/console/o/acme/api-keys', { method: 'POST', headers: { 'content-type': 'application/json' } });
    expect(json.status).toBe(415);
    const big = await client.request('/console/o/acme/api-keys', { form: { _csrf: csrfOf(html), name: 'x'.repeat(70_000) } });
    expect(big.status).toBe(413);
  });
});
