import { OPERATOR } from '../../../src/audit/actor.js';
import { PASSWORD, startConsoleWorld, type ConsoleWorld } from './fixture.js';
import { csrfOf, signedInAs, type Browserless } from './http-session.js';

/**
 * The Security, SCIM provisioning and Organization pages' new forms: each needs the session's
 * CSRF token; what the person's permissions do not allow is not offered and the API refuses it
 * anyway; bad input gets a 4xx page naming the problem (or, for the passkey script, JSON), never
 * a 500.
 */
let world: ConsoleWorld;
let adminId = '';
let adminFactor = '';
let entraId = '';
beforeAll(async () => {
  world = await startConsoleWorld();
  const gh = world.server.gatehouse;
  adminId = (await gh.identity.users.getByEmail(world.admin))!.id;
  // a pending authenticator app of the admin's: somebody else's factor, for the member
  adminFactor = (await gh.accounts.self.startTotp(adminId, PASSWORD, 'Admin phone', '127.0.0.1')).factor.id;
  entraId = (await gh.scim.tokens.create(OPERATOR, world.acme.id, { name: 'Entra', permissions: ['users:read', 'users:write'] })).record.id;
});
afterAll(() => world.server.stop());

const gh = () => world.server.gatehouse;
const snapshot = async () => ({
  passwords: await Promise.all([world.admin, world.member].map(async (e) => (await gh().identity.users.verifyPassword(e, PASSWORD))?.id ?? null)),
  factors: (await gh().store.factors.listByUser(adminId)).map((f) => [f.id, f.confirmedAt]),
  mfaRequired: (await gh().store.organizations.findById(world.acme.id))!.mfaRequired,
  scimTokens: (await gh().scim.tokens.list(OPERATOR, world.acme.id, { limit: 100 })).items.map((t) => [t.id, t.revokedAt]),
});

/** Every new form, with what it would do. */
const forms = () => [
  ['/console/o/acme/security/password', { current_password: PASSWORD, new_password: 'a takeover passphrase', repeat_password: 'a takeover passphrase' }],
  ['/console/o/acme/security/totp', { current_password: PASSWORD }],
  ['/console/o/acme/security/totp/confirm', { factor: adminFactor, secret: 'JBSWY3DPEHPK3PXPJBSWY3DP', uri: 'otpauth://totp/x', code: '123456' }],
  ['/console/o/acme/security/passkeys/options', { current_password: PASSWORD }],
  ['/console/o/acme/security/passkeys', { response: '{}' }],
  [`/console/o/acme/security/factors/${adminFactor}/remove`, { current_password: PASSWORD }],
  ['/console/o/acme/security/recovery-codes', { current_password: PASSWORD }],
  ['/console/o/acme/settings/mfa', { mfa_required: 'true' }],
  ['/console/o/acme/scim', { name: 'Rogue', permissions: ['users:read', 'users:write'] }],
  [`/console/o/acme/scim/${entraId}/revoke`, {}],
] as const;

/** Someone in acme with one custom role holding `permissions`, signed in to the console. */
async function signedInWithRole(role: string, permissions: string[]): Promise<Browserless> {
  await gh().identity.roles.create(OPERATOR, world.acme.id, { name: role, permissions });
  await gh().identity.users.create({ email: `${role}@acme.test`, password: PASSWORD, organizationId: world.acme.id, roles: [role] });
  return (await signedInAs(world.server.url, `${role}@acme.test`)).client;
}

const post = (client: Browserless, path: string, form: Record<string, string | readonly string[]>, headers?: Record<string, string>) =>
  client.request(path, { method: 'POST', form: form as Record<string, string | string[]>, headers });

describe('console security, SCIM and two-step requirement pages', () => {
  it('needs the session\'s CSRF token on every new form; the passkey script is answered in JSON', async () => {
    const { client } = await signedInAs(world.server.url, world.admin);
    const before = await snapshot();
    for (const [path, form] of forms()) {
      expect([path, (await post(client, path, form)).status]).toEqual([path, 403]);
      expect([path, (await post(client, path, { ...form, _csrf: 'x'.repeat(43) })).status]).toEqual([path, 403]);
    }
    const refused = await post(client, '/console/o/acme/security/passkeys/options', { current_password: PASSWORD }, { accept: 'application/json' });
    expect([refused.status, await refused.json()]).toEqual([403, { message: 'The form was not sent from this console. Reload the page and try again.' }]);
    const signedOut = await fetch(`${world.server.url}/console/o/acme/security/passkeys/options`, { method: 'POST', headers: { accept: 'application/json' } });
    expect([signedOut.status, await signedOut.json()]).toEqual([401, { message: 'Sign in again, then repeat what you were doing.' }]);
    expect(await snapshot()).toEqual(before);
  });

  it('offers a read-only member no SCIM or two-step control, and the API refuses the forged forms: nothing changes', async () => {
    const { client } = await signedInAs(world.server.url, world.member);
    const scim = await (await client.get('/console/o/acme/scim')).text();
    expect(scim).toContain('Entra');
    expect(scim).not.toMatch(/>(Create SCIM token|Revoke)/);
    const settings = await (await client.get('/console/o/acme/settings')).text();
    expect(settings).not.toContain('action="/console/o/acme/settings/mfa"');
    const csrf = csrfOf(scim);
    const before = await snapshot();
    for (const [path, form] of forms().filter(([p]) => /settings|scim/.test(p))) {
      expect([path, (await post(client, path, { _csrf: csrf, ...form })).status]).toEqual([path, 403]);
    }
    // the security page is the member's own account: somebody else's factor is not found
    const other = await post(client, `/console/o/acme/security/factors/${adminFactor}/remove`, { _csrf: csrf, current_password: PASSWORD });
    expect(other.status).toBe(404);
    expect(await snapshot()).toEqual(before);
  });

  it('offers the two-step switch only to whoever holds every member\'s permissions; the API refuses the others', async () => {
    const client = await signedInWithRole('renamers', ['organizations:read', 'organizations:write', 'resources:read']);
    const settings = await (await client.get('/console/o/acme/settings')).text();
    expect(settings).toContain('>Save name<');
    expect(settings).not.toContain('action="/console/o/acme/settings/mfa"');
    const before = await snapshot();
    const forged = await post(client, '/console/o/acme/settings/mfa', { _csrf: csrfOf(settings), mfa_required: 'true' });
    expect(forged.status).toBe(403);
    expect(await forged.text()).toMatch(/role="alert">You cannot change how members sign in when they hold/);
    expect(await snapshot()).toEqual(before);

    const admin = (await signedInAs(world.server.url, world.admin)).client;
    const page = await (await admin.get('/console/o/acme/settings')).text();
    expect(page).toContain('>Require two-step verification<');
  });

  it('offers no revocation of a SCIM token holding more than the person, and the API refuses it', async () => {
    const client = await signedInWithRole('idp', ['idp:read', 'idp:write', 'users:read']);
    const list = await (await client.get('/console/o/acme/scim')).text();
    expect(list).toContain('>Create SCIM token<');
    expect(list).not.toContain(`/scim/${entraId}/revoke`);
    const form = await (await client.get('/console/o/acme/scim/new')).text();
    expect(form.match(/name="permissions" value="([^"]+)"/g)!.sort()).toEqual(['idp:read', 'idp:write', 'users:read'].map((p) => `name="permissions" value="${p}"`));
    const before = await snapshot();
    const forged = await post(client, `/console/o/acme/scim/${entraId}/revoke`, { _csrf: csrfOf(list) });
    expect(forged.status).toBe(403);
    expect(await forged.text()).toMatch(/role="alert">You cannot revoke a SCIM token that holds/);
    const escalating = await post(client, '/console/o/acme/scim', { _csrf: csrfOf(list), name: 'Okta', permissions: ['users:write'] });
    expect(escalating.status).toBe(403);
    expect(await snapshot()).toEqual(before);
  });

  it('runs no script on the new pages but the console\'s own files, the WebAuthn ceremony among them, under the strict CSP', async () => {
    const { client } = await signedInAs(world.server.url, world.admin);
    for (const path of ['/console/o/acme/security', '/console/o/acme/security/totp', '/console/o/acme/scim', '/console/o/acme/scim/new', '/console/o/acme/settings']) {
      const res = await client.get(path);
      expect(res.headers.get('content-security-policy')).toMatch(/^default-src 'none'; script-src 'self'; style-src 'self';/);
      const html = await res.text();
      expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
      expect(html).not.toMatch(/<style|\sstyle=|\son[a-z]+=/i);
      const scripts = [...html.matchAll(/<script src="([^"]+)"/g)].map((m) => m[1].replace(/\?v=[0-9a-f]{12}$/, ''));
      expect([path, scripts]).toEqual([path, path.endsWith('/security') ? ['/console/static/console.js', '/console/static/webauthn.js'] : ['/console/static/console.js']]);
    }
    const html = await (await client.get('/console/o/acme/security')).text();
    const ceremony = await fetch(`${world.server.url}${/<script src="(\/console\/static\/webauthn\.js\?v=[0-9a-f]+)"/.exec(html)![1]}`);
    expect(ceremony.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(ceremony.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await ceremony.text()).toBe(await (await fetch(`${world.server.url}/assets/webauthn.js`)).text());
  });

  it('answers bad input with a 4xx page naming the problem, never a 500', async () => {
    const { client, html } = await signedInAs(world.server.url, world.member);
    const csrf = csrfOf(html);
    const cases: Array<[string, Record<string, string>, number, RegExp]> = [
      ['/console/o/acme/security/password', { current_password: PASSWORD, new_password: 'one long passphrase', repeat_password: 'another one' }, 400, /The two new passwords are not the same/],
      ['/console/o/acme/security/password', { current_password: PASSWORD, new_password: 'short', repeat_password: 'short' }, 400, /id="new-password-error"/],
      ['/console/o/acme/security/password', { current_password: 'wrong', new_password: 'one long passphrase', repeat_password: 'one long passphrase' }, 403, /id="current-password-error"/],
      ['/console/o/acme/security/totp/confirm', { factor: '"><script>', secret: 'x', uri: 'javascript:alert(1)', code: '1' }, 400, /cannot be read back/],
      ['/console/o/acme/security/totp/confirm', { factor: 'fac_unknown', secret: 'JBSWY3DPEHPK3PXPJBSWY3DP', uri: 'otpauth://totp/x', code: '123456' }, 400, /role="alert">The code is not right/],
      ['/console/o/acme/security/passkeys', { response: 'not json' }, 400, /id="passkey-error">[^<]+/],
      ['/console/o/acme/security/factors/%00/remove', { current_password: PASSWORD }, 404, /Not found/],
      ['/console/o/acme/security/recovery-codes', { current_password: 'wrong' }, 403, /id="confirm-password-error"/],
    ];
    for (const [path, form, status, body] of cases) {
      const res = await post(client, path, { _csrf: csrf, ...form });
      const text = await res.text();
      expect([path, res.status]).toEqual([path, status]);
      expect(text).toMatch(body);
      expect(text).not.toContain('<script>');
    }
    // the member's password is unchanged throughout
    expect(await gh().identity.users.verifyPassword(world.member, PASSWORD)).not.toBeNull();
  });
});
