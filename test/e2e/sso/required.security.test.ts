import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OPERATOR } from '../../../src/audit/actor.js';
import { MANAGEMENT_PERMISSIONS } from '../../../src/domain/permissions.js';
import type { Organization } from '../../../src/store/ports.js';
import { formNamed, passkeyAnswer, personApi, settle, submitPage, visibleText } from '../../support/accounts.js';
import { createTestCli, type TestCli } from '../../support/cli.js';
import { startTestServer, type RunningGatehouse } from '../../support/harness.js';
import { outboxMails } from '../../support/mail.js';
import { FormAgent, PASSWORD, REDIRECT_URI } from '../../support/oauth.js';
import { SoftwarePasskey } from '../../support/passkey-authenticator.js';
import { mintKey } from '../../support/seed.js';
import {
  answeringThroughProvider, appAuthorization, Browserless, connectProvider, onwardOf, signInThroughProvider, startIdentityProvider,
  type IdentityProvider,
} from '../../support/sso.js';
import { userAccessToken } from '../../support/tokens.js';

/*
 * An organization that requires single sign-on: the people of its verified domains sign in through
 * its provider only. A password is never checked for them (right or wrong, the answer is the way
 * to the provider), a passkey alone leads there too, no reset link is mailed (the page answers
 * the same), and a session made before the requirement signs in again. Break-glass: the
 * operator's `gatehouse sso update --required off`, or an admin's API key (no sign-in needed).
 */
let idp: IdentityProvider;
let app: RunningGatehouse;
let cli: TestCli;
let dir: string;
let acme: Organization;
let client: { clientId: string; clientSecret: string };
let adminKey: string;
let passkey: SoftwarePasskey;
const generous = { selfSignup: true, displayName: 'Gatehouse', requestsPerIp: { limit: 1000, windowSeconds: 900 }, mailsPerAddress: { limit: 10, windowSeconds: 3600 } };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gatehouse-sso-required-'));
  idp = await startIdentityProvider();
  app = await startTestServer({ databaseUrl: `sqlite:${join(dir, 'store.db')}`, sso: { allowPrivateNetworks: true }, accounts: generous });
  cli = createTestCli();
  const gh = app.gatehouse;
  acme = await gh.identity.organizations.create({ slug: 'acme' });
  await gh.identity.users.create({ email: 'owner@acme.test', password: PASSWORD, organizationId: acme.id, roles: ['admin'] });
  await gh.identity.users.create({ email: 'ada@acme.test', password: PASSWORD, organizationId: acme.id, roles: ['member'] });
  await gh.identity.users.create({ email: 'bob@elsewhere.test', password: PASSWORD, organizationId: acme.id, roles: ['member'] });
  const made = await gh.oauth.clients.create(OPERATOR, acme.id, { name: 'Acme Dashboard', redirect_uris: [REDIRECT_URI] });
  client = { clientId: made.client.clientId, clientSecret: made.client_secret! };
  adminKey = (await mintKey(gh, acme.id, MANAGEMENT_PERMISSIONS)).key;
  await idp.addPerson('owner@acme.test');
  await idp.addPerson('ada@acme.test');
  await connectProvider(gh, acme.id, idp, { domains: ['acme.test'] });
  // before the requirement: the owner enrols a passkey, signed in with the password
  const api = personApi(app.url, await userAccessToken(app.url, client.clientId, client.clientSecret, { email: 'owner@acme.test', password: PASSWORD }, ['users:read']));
  passkey = new SoftwarePasskey(app.url);
  const options = await api('POST', '/me/factors/passkeys/options', { current_password: PASSWORD });
  expect((await api('POST', '/me/factors/passkeys', { response: passkey.create(options.body.options), name: 'Laptop' })).status).toBe(201);
}, 60_000);
afterAll(async () => {
  await app?.stop();
  await idp?.stop();
  cli?.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

const setRequired = (required: boolean) =>
  fetch(`${app.url}/v1/organizations/acme/sso-connection`, {
    method: 'PATCH', headers: { 'x-api-key': adminKey, 'content-type': 'application/json' }, body: JSON.stringify({ sso_required: required }),
  });

/** Opens an app authorization and posts the login form with these fields (no email step: a client posting directly). */
async function postLogin(fields: Record<string, string>, browser = new Browserless()) {
  const { url } = await appAuthorization(app.url, client);
  const start = await browser.request(url);
  const page = new URL(start.headers.get('location')!, app.url);
  const html = await (await browser.request(page)).text();
  // the CSRF token of the page's form, without its `step`: the password posted at once
  const { step: _emailStep, ...hidden } = formNamed(html).fields;
  const res = await browser.request(new URL(formNamed(html).action, app.url), { form: { ...hidden, ...fields } });
  return { status: res.status, location: res.headers.get('location'), html: res.status === 200 ? await res.text() : '', page, loginHtml: html, browser };
}

describe('single sign-on required by the organization', () => {
  let before: Browserless;

  it('while optional, a password posted directly still signs the person in', async () => {
    before = new Browserless();
    const signedIn = await postLogin({ email: 'ada@acme.test', password: PASSWORD }, before);
    expect(signedIn.status).toBe(303);
    // the authorization resumes: the session is made (and the consent page follows)
    expect((await before.request(new URL(signedIn.location!, app.url))).status).toBe(303);
  });

  it('once required, a password is never checked: right or wrong, the answer leads to the provider', async () => {
    expect((await setRequired(true)).status).toBe(200);
    for (const password of [PASSWORD, 'a wrong password']) {
      const res = await postLogin({ email: 'ada@acme.test', password });
      expect(res.status).toBe(200);
      expect(new URL(onwardOf(res.html)!).origin).toBe(idp.issuer);
    }
    // not even a throttle attempt was taken for the account
    expect(await app.gatehouse.store.rateLimits.take({ bucket: 'login:ada@acme.test', windowMs: 900_000, limit: 5, cost: 0, now: Date.now() }))
      .toMatchObject({ used: 0 });
  });

  it('a passkey alone leads to the provider too', async () => {
    const browser = new Browserless();
    const { url } = await appAuthorization(app.url, client);
    const start = await browser.request(url);
    const page = new URL(start.headers.get('location')!, app.url);
    const html = await (await browser.request(page)).text();
    const agent = browser.agent(app.url);
    const answer = await passkeyAnswer(agent, app.url, html, 'passkey', (o) => passkey.get(o));
    const { action, fields } = formNamed(html, '/passkey');
    const res = await browser.request(new URL(action, app.url), { form: { ...fields, ...answer.fields } });
    expect(res.status).toBe(200);
    expect(new URL(onwardOf(await res.text())!).origin).toBe(idp.issuer);
  });

  it('a session made with the password before the requirement signs in again, through the provider', async () => {
    const res = await postLogin({}, before);
    // the session is not enough any more: the login page, saying why
    expect(visibleText(res.loginHtml)).toContain('Your organization signs you in through its identity provider. Sign in again to continue.');
    const { tokens, trail } = await signInThroughProvider(app.url, client, answeringThroughProvider('ada@acme.test'), before);
    expect(trail[0]).toMatch(/:login$/);
    expect(tokens.claims()).toMatchObject({ email: 'ada@acme.test', amr: ['fed'] });
  });

  it('mails no reset link to a person of the domain, and the page answers as for anyone', async () => {
    const gh = app.gatehouse;
    const ada = await submitPage(new FormAgent(), app.url, '/password/forgot', { email: 'ada@acme.test' });
    const bob = await submitPage(new FormAgent(), app.url, '/password/forgot', { email: 'bob@elsewhere.test' });
    expect([ada.status, visibleText(ada.html)]).toEqual([bob.status, visibleText(bob.html).replace('bob@elsewhere.test', 'ada@acme.test')]);
    await settle(gh);
    const resets = (await outboxMails(gh.config.dataDir)).filter((m) => m.text?.includes('/password/reset?token='));
    expect(resets.map((m) => (m.to && 'text' in m.to ? m.to.text : ''))).toEqual(['bob@elsewhere.test']);
  });

  it('leaves people of other domains alone', async () => {
    expect((await postLogin({ email: 'bob@elsewhere.test', password: PASSWORD })).status).toBe(303);
  });

  it('break-glass: the operator turns the requirement off with the CLI, and passwords sign in again', async () => {
    const env = { DATABASE_URL: app.gatehouse.config.databaseUrl, GATEHOUSE_SECRET: app.gatehouse.config.secret };
    const r = await cli.run(['sso', 'update', '--org', 'acme', '--required', 'off', '--json'], { env });
    expect(r.code).toBe(0);
    expect(r.json()).toMatchObject({ sso_required: false, issuer: idp.issuer });
    expect((await postLogin({ email: 'ada@acme.test', password: PASSWORD })).status).toBe(303);
    const audit = (await app.gatehouse.audit.list(acme.id, { limit: 1 })).items[0];
    expect(audit).toMatchObject({ action: 'sso_connection.updated', actor: { type: 'cli', id: null }, metadata: { sso_required: false } });
  });

  it('break-glass: an admin\'s API key turns it off too, with no sign-in', async () => {
    expect((await setRequired(true)).status).toBe(200);
    expect((await postLogin({ email: 'ada@acme.test', password: PASSWORD })).status).toBe(200);
    const off = await setRequired(false);
    expect([off.status, ((await off.json()) as { sso_required: boolean }).sso_required]).toEqual([200, false]);
    expect((await postLogin({ email: 'ada@acme.test', password: PASSWORD })).status).toBe(303);
  });
});
