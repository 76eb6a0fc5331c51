import type { Browser, Page } from 'playwright-core';
import { OPERATOR } from '../../../src/audit/actor.js';
import type { Organization } from '../../../src/store/ports.js';
import { describeBrowser, launchChromium } from '../../support/browser.js';
import { startTestServer, type RunningGatehouse } from '../../support/harness.js';
import { clientConfig, PASSWORD } from '../../support/oauth.js';
import { connectProvider, startIdentityProvider, type IdentityProvider } from '../../support/sso.js';
import { audit, authorization, startCallback } from './accounts-fixture.js';

/*
 * Single sign-on in Chromium, 390 px wide, against a second Gatehouse as the organization's
 * identity provider (at 127.0.0.1; the app's Gatehouse at localhost, so each keeps its cookies):
 * email first, on to the provider, signed in there, back, the account made with the default role,
 * a token for the app. Then the organization requires single sign-on and the password path is
 * gone, for a session made with a password before too.
 */
let idp: IdentityProvider;
let app: RunningGatehouse;
let callback: Awaited<ReturnType<typeof startCallback>>;
let browser: Browser;
let acme: Organization;
let appConfig: Awaited<ReturnType<typeof clientConfig>>;

beforeAll(async () => {
  idp = await startIdentityProvider();
  app = await startTestServer({ sso: { allowPrivateNetworks: true } }, { issuerHost: 'localhost' });
  callback = await startCallback('localhost');
  browser = await launchChromium();
  const gh = app.gatehouse;
  acme = await gh.identity.organizations.create({ slug: 'acme', name: 'Acme Rockets' });
  await gh.identity.users.create({ email: 'owner@acme.test', password: PASSWORD, organizationId: acme.id, roles: ['admin'] });
  await gh.identity.roles.create(OPERATOR, acme.id, { name: 'viewer', permissions: ['users:read'] });
  const made = await gh.oauth.clients.create(OPERATOR, acme.id, { name: 'Acme Dashboard', redirect_uris: [callback.url] });
  appConfig = await clientConfig(app.url, made.client.clientId, made.client_secret!);
  await idp.addPerson('ada@acme.test');
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await callback?.close();
  await app?.stop();
  await idp?.stop();
});

async function narrowPage(): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  return context.newPage();
}

describeBrowser('single sign-on in a real browser', () => {
  let ownersPage: Page;

  it('before any provider, the owner signs in with email and password on the one form', async () => {
    ownersPage = await narrowPage();
    const first = await authorization(appConfig, callback.url);
    await ownersPage.goto(first.url);
    await ownersPage.getByLabel('Email').fill('owner@acme.test');
    await ownersPage.getByLabel('Password').fill(PASSWORD);
    await ownersPage.getByRole('button', { name: 'Sign in', exact: true }).click();
    await ownersPage.getByRole('button', { name: 'Allow' }).click();
    await ownersPage.waitForURL((u) => u.href.startsWith(callback.url));
    expect((await first.redeem(ownersPage.url())).claims()).toMatchObject({ email: 'owner@acme.test', amr: ['pwd'] });
  });

  it('email first, on to the provider, back with an account made with the default role and a token for the app', async () => {
    await connectProvider(app.gatehouse, acme.id, idp, { domains: ['acme.test'], defaultRole: 'viewer' });
    const page = await narrowPage();
    const findings: string[] = [];
    const problems: string[] = [];
    page.on('console', (m) => { if (/Content Security Policy|Refused to/i.test(m.text())) problems.push(m.text()); });
    const flow = await authorization(appConfig, callback.url);
    await page.goto(flow.url);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(await page.getByLabel('Password').count()).toBe(0);
    await audit(page, 'email step', findings);
    await page.getByLabel('Email').fill('ada@acme.test');
    await page.getByRole('button', { name: 'Continue' }).click();
    // the onward page leads on by itself, no script
    await page.waitForURL((u) => u.origin === idp.issuer);
    await page.getByLabel('Email').fill('ada@acme.test');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('button', { name: 'Allow' }).click();
    // back at the app's Gatehouse: its consent page
    await page.waitForURL((u) => u.origin === app.url);
    await page.getByRole('heading', { name: 'Allow access?' }).waitFor();
    await audit(page, 'consent after single sign-on', findings);
    await page.getByRole('button', { name: 'Allow' }).click();
    await page.waitForURL((u) => u.href.startsWith(callback.url));
    const tokens = await flow.redeem(page.url());
    expect(tokens.claims()).toMatchObject({ email: 'ada@acme.test', email_verified: true, amr: ['fed'] });
    const user = (await app.gatehouse.store.users.findByEmail('ada@acme.test'))!;
    expect(await app.gatehouse.store.memberships.find(acme.id, user.id)).toMatchObject({ roles: ['viewer'] });
    // an access token for the app, acting for acme
    const access = JSON.parse(Buffer.from(tokens.access_token.split('.')[1], 'base64url').toString());
    expect(access).toMatchObject({ sub: user.id, org: acme.id, iss: app.url });
    expect(findings).toEqual([]);
    expect(problems).toEqual([]);
  });

  it('once single sign-on is required, the password path is gone, for the session made with a password too', async () => {
    await app.gatehouse.sso.connections.update(OPERATOR, acme.id, { required: true });
    const again = await authorization(appConfig, callback.url);
    await ownersPage.goto(again.url);
    await ownersPage.getByText('Your organization signs you in through its identity provider. Sign in again to continue.').waitFor();
    expect(await ownersPage.getByLabel('Password').count()).toBe(0);
    // the owner's password posted as a client would: the answer is the way to the provider, not a sign-in
    const answer = await ownersPage.evaluate(async (password) => {
      // (no DOM typings here: the page's own form, read as the browser sees it)
      const form = (globalThis as any).document.querySelector('form[method="post"]');
      const body = new URLSearchParams({ csrf: form.elements.namedItem('csrf').value, email: 'owner@acme.test', password });
      const res = await fetch(form.action, { method: 'POST', body, redirect: 'manual' });
      return { status: res.status, text: await res.text() };
    }, PASSWORD);
    expect(answer.status).toBe(200);
    expect(answer.text).toContain(`http-equiv="refresh" content="0; url=${idp.issuer}/auth?`);
    await ownersPage.getByLabel('Email').fill('owner@acme.test');
    await ownersPage.getByRole('button', { name: 'Continue' }).click();
    await ownersPage.waitForURL((u) => u.origin === idp.issuer);
  });
});
