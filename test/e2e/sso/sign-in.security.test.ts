import { Writable } from 'node:stream';
import { OPERATOR } from '../../../src/audit/actor.js';
import { createLogger } from '../../../src/ops/logger.js';
import type { Organization } from '../../../src/store/ports.js';
import { formNamed, visibleText, type PageAnswer } from '../../support/accounts.js';
import { startTestServer, type RunningGatehouse } from '../../support/harness.js';
import { PASSWORD, REDIRECT_URI } from '../../support/oauth.js';
import {
  answeringThroughProvider, appAuthorization, Browserless, connectProvider, startIdentityProvider, walkAcross, type IdentityProvider,
  type WalkedPage,
} from '../../support/sso.js';

/*
 * The round trip through an identity provider, attacked: the answer only finishes the sign-in of
 * the browser that started it, once; a tampered or stale one finishes nothing; another
 * organization's provider cannot sign in an address of acme's domain; nothing of it is logged.
 */
const lines: string[] = [];
const memory = new Writable({ write(chunk, _enc, done) { lines.push(String(chunk)); done(); } });

let idp: IdentityProvider;
let evilIdp: IdentityProvider;
let app: RunningGatehouse;
let acme: Organization;
let client: { clientId: string; clientSecret: string };
let callbackPath: string;

beforeAll(async () => {
  idp = await startIdentityProvider();
  evilIdp = await startIdentityProvider();
  app = await startTestServer({ sso: { allowPrivateNetworks: true }, logLevel: 'trace' }, { logger: createLogger('trace', memory) });
  callbackPath = `${app.url}/sso/callback`;
  const gh = app.gatehouse;
  acme = await gh.identity.organizations.create({ slug: 'acme' });
  await gh.identity.users.create({ email: 'ceo@acme.test', password: PASSWORD, organizationId: acme.id, roles: ['admin'] });
  const made = await gh.oauth.clients.create(OPERATOR, acme.id, { name: 'Acme Dashboard', redirect_uris: [REDIRECT_URI] });
  client = { clientId: made.client.clientId, clientSecret: made.client_secret! };
  await connectProvider(gh, acme.id, idp, { domains: ['acme.test'] });
  await gh.sso.domains.claim(OPERATOR, acme.id, 'pending.test');
  // another organization, with a provider of its own where its admin can make any person
  const evil = await gh.identity.organizations.create({ slug: 'evil' });
  await connectProvider(gh, evil.id, evilIdp, { domains: ['evil.test'] });
  for (const email of ['ada@acme.test', 'grace@acme.test', 'alan@acme.test', 'edsger@acme.test', 'barbara@acme.test']) await idp.addPerson(email);
  await evilIdp.addPerson('ceo@acme.test');
}, 60_000);
afterAll(async () => {
  await app?.stop();
  await idp?.stop();
  await evilIdp?.stop();
});

/** Walks an app authorization through the email step and the provider, up to the provider's answer at `/sso/callback`. */
async function toAnswer(email: string, options: { signInAs?: string; browser?: Browserless; more?: Record<string, (page: WalkedPage) => { fields: Record<string, string> }> } = {}) {
  const browser = options.browser ?? new Browserless();
  const authorization = await appAuthorization(app.url, client);
  const answer = answeringThroughProvider(email, {
    ...options.more,
    login: (page): PageAnswer => (page.html.includes('name="step" value="email"') ? { fields: { email } } : { fields: { email: options.signInAs ?? email, password: PASSWORD } }),
  });
  const { callback } = await walkAcross(browser, authorization.url, answer, callbackPath);
  return { browser, authorization, callback, answer };
}

const page = async (res: Response) => ({ status: res.status, text: visibleText(await res.text()) });

describe('the answer of an identity provider', () => {
  it('finishes nothing in another browser (no login CSRF), and the browser that started it still signs in', async () => {
    const { browser, callback, answer, authorization } = await toAnswer('ada@acme.test');
    const elsewhere = await page(await new Browserless().request(callback));
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.text).toContain('This sign-in was not started in this browser');
    const { callback: done } = await walkAcross(browser, callback, answer);
    expect((await authorization.redeem(done)).claims()).toMatchObject({ email: 'ada@acme.test', amr: ['fed'] });
  });

  it('is used once: opened again, or sent twice at once with the same cookies, it finishes one sign-in', async () => {
    const { browser, callback } = await toAnswer('grace@acme.test');
    const onward = await (await browser.request(callback)).text();
    const step = new URL(/url=([^"]+)"/.exec(onward)![1].replace(/&amp;/g, '&'), app.url);
    const agent = browser.agent(app.url);
    const cookies = ['_interaction', '_interaction.sig', 'gh_sso'].map((n) => `${n}=${agent.cookie(n)}`).join('; ');
    const both = await Promise.all([1, 2].map(() => fetch(step, { headers: { cookie: cookies }, redirect: 'manual' })));
    expect(both.map((r) => r.status).sort()).toEqual([303, 400]);
    // the browser's own copy of the cookie leads on, to an answer spent already
    await expect(walkAcross(browser, callback, answeringThroughProvider('grace@acme.test'))).rejects.toThrow(/page 400 .*Sign-in expired/);
  });

  it('with a state or a cookie altered finishes nothing', async () => {
    const first = await toAnswer('alan@acme.test');
    const forged = new URL(first.callback);
    forged.searchParams.set('state', 'attacker-chosen');
    const onward = await (await first.browser.request(forged)).text();
    const step = new URL(/url=([^"]+)"/.exec(onward)![1].replace(/&amp;/g, '&'), app.url);
    expect((await page(await first.browser.request(step))).text).toContain('Sign-in expired');
    const second = await toAnswer('alan@acme.test');
    const agent = second.browser.agent(app.url);
    const cookies = `_interaction=${agent.cookie('_interaction')}; _interaction.sig=${agent.cookie('_interaction.sig')}; gh_sso=${agent.cookie('gh_sso')!.slice(0, -4)}AAAA`;
    const uidStep = `${new URL(first.callback).search}`;
    const res = await fetch(new URL(`/sso/callback${uidStep}`, app.url), { headers: { cookie: cookies }, redirect: 'manual' });
    expect(res.status).toBe(400);
    expect(await app.gatehouse.store.users.findByEmail('alan@acme.test')).toBeNull();
  });

  it('after the connection changed (another client) finishes nothing', async () => {
    const gh = app.gatehouse;
    const { browser, callback, answer } = await toAnswer('edsger@acme.test');
    const current = (await gh.store.ssoConnections.find(acme.id))!;
    await gh.store.ssoConnections.update(acme.id, current.version, { clientId: 'someone-else' });
    await expect(walkAcross(browser, callback, answer)).rejects.toThrow(/page 400 .*Sign-in expired/);
    const changed = (await gh.store.ssoConnections.find(acme.id))!;
    await gh.store.ssoConnections.update(acme.id, changed.version, { clientId: current.clientId });
    expect(await gh.store.users.findByEmail('edsger@acme.test')).toBeNull();
  });

  it('that is an error (the person denied consent at the provider) is shown, and signs nobody in', async () => {
    const { browser, callback, answer } = await toAnswer('barbara@acme.test', {
      more: { consent: (p) => ({ fields: { decision: p.url.origin === idp.issuer ? 'deny' : 'allow' } }) },
    });
    expect(callback.searchParams.get('error')).toBe('access_denied');
    await expect(walkAcross(browser, callback, answer)).rejects.toThrow(/page 403 .*did not sign you in \(access_denied\)/);
  });
});

describe('who a provider may sign in', () => {
  it("another organization's provider cannot sign in an address of acme's verified domain, acme's admin included", async () => {
    const gh = app.gatehouse;
    const ceo = (await gh.store.users.findByEmail('ceo@acme.test'))!;
    const before = await gh.store.memberships.listByUser(ceo.id);
    // the email step routes mallory@evil.test to evil's provider, where its admin signs in as ceo@acme.test
    const { browser, callback, answer } = await toAnswer('mallory@evil.test', { signInAs: 'ceo@acme.test' });
    await expect(walkAcross(browser, callback, answer)).rejects.toThrow(/page 403 .*outside your organization.{1,5}s verified domains/);
    expect(await gh.store.memberships.listByUser(ceo.id)).toEqual(before);
    const evil = await gh.identity.organizations.resolve('evil');
    expect((await gh.audit.list(evil!.id, { limit: 5 })).items[0]).toMatchObject({
      action: 'sso.sign_in_refused', metadata: { reason: 'domain_not_verified', email: 'ceo@acme.test' },
    });
  });

  it('routes only verified domains: a pending claim gets the password step like any other email', async () => {
    const authorization = await appAuthorization(app.url, client);
    const browser = new Browserless();
    const login = await browser.request(authorization.url).then((r) => browser.request(new URL(r.headers.get('location')!, app.url)));
    const html = await login.text();
    const { action, fields } = formNamed(html);
    const next = await browser.request(new URL(action, app.url), { form: { ...fields, email: 'someone@pending.test' } });
    expect(next.status).toBe(200);
    expect(await next.text()).toMatch(/name="password"/);
  });

  // (the state is no credential: it travels in URLs by design, and is worth nothing without the sealed cookie, once)
  it('logs no code, client secret or token of the round trip', async () => {
    const { browser, callback, answer, authorization } = await toAnswer('ada@acme.test');
    const { callback: done } = await walkAcross(browser, callback, answer);
    const tokens = await authorization.redeem(done);
    const text = lines.join('');
    const connection = (await app.gatehouse.store.ssoConnections.find(acme.id))!;
    for (const [name, secret] of Object.entries({ code: callback.searchParams.get('code')!,
      clientSecret: app.gatehouse.sso.connections.clientSecret(connection), idToken: tokens.id_token!, accessToken: tokens.access_token })) {
      const at = text.indexOf(secret);
      expect([name, at < 0 ? '' : text.slice(Math.max(0, at - 300), at + 100)]).toEqual([name, '']);
    }
    expect(text).toMatch(/"url":"\/sso\/callback\?code=\[REDACTED\]/);
  });
});
