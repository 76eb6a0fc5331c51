import type { BrowserContext, Page } from 'playwright-core';
import { describeBrowser } from '../../support/browser.js';
import { linkIn } from '../../support/accounts.js';
import { audit, authorization, browserSuite, vendorApp } from './accounts-fixture.js';

// a passkey's RP ID is a domain: the issuer is http://localhost:<port> here
const s = browserSuite('localhost');

/** Chromium's virtual authenticator in this tab: a platform passkey holder with user verification (CDP WebAuthn domain). */
async function virtualAuthenticator(context: BrowserContext, page: Page) {
  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
  });
  return { credentials: async () => (await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials };
}

describeBrowser('passkeys in a real browser (virtual authenticator)', () => {
  it('enrols a passkey at sign-in, then signs in with it alone from the login page', async () => {
    const config = await vendorApp(s.server, s.callback.url);
    const context = await s.browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    const authenticator = await virtualAuthenticator(context, page);
    const problems: string[] = [];
    page.on('console', (m) => { if (/Content Security Policy|Refused to/i.test(m.text())) problems.push(m.text()); });
    page.on('pageerror', (err) => problems.push(err.message));
    const findings: string[] = [];
    const email = 'grace@rockets.example';
    const password = 'a passphrase she will rarely type';

    await page.goto(`${s.server.url}/signup`);
    await page.getByLabel('Work email').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByLabel('Organization name').fill('Hopper Labs');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('heading', { name: 'Check your mail' }).waitFor();
    await page.goto(linkIn(await s.smtp.next(), '/verify-email').href);
    await page.getByRole('button', { name: 'Confirm my address' }).click();
    await page.getByRole('heading', { name: 'Email address confirmed' }).waitFor();

    const first = await authorization(config, s.callback.url);
    await page.goto(first.url);
    await page.getByRole('button', { name: 'Sign in with a passkey' }).waitFor();
    await audit(page, 'login with passkey button', findings);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('heading', { name: 'Set up two-step verification' }).waitFor();
    await page.getByRole('button', { name: 'Use a passkey instead' }).click();
    await page.getByRole('heading', { name: 'Save your recovery codes' }).waitFor();
    expect(await authenticator.credentials()).toEqual([expect.objectContaining({ isResidentCredential: true, rpId: 'localhost' })]);
    await page.getByRole('button', { name: 'I saved them, continue' }).click();
    await page.getByRole('button', { name: 'Allow' }).click();
    await page.waitForURL((u) => u.href.startsWith(s.callback.url));
    expect((await first.redeem(page.url())).claims()).toMatchObject({ email, amr: ['pwd', 'hwk', 'mfa'] });
    const [factor] = await s.server.gatehouse.accounts.factors.confirmed((await s.server.gatehouse.identity.users.getByEmail(email))!.id);
    expect(factor).toMatchObject({ type: 'passkey', credentialId: expect.any(String) });

    await page.goto(`${s.server.url}/session/end`);
    await page.getByRole('button', { name: 'Yes, sign me out' }).click();
    await page.getByRole('heading', { name: 'You are signed out' }).waitFor();

    const second = await authorization(config, s.callback.url);
    await page.goto(second.url);
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await page.waitForURL((u) => u.href.startsWith(s.callback.url));
    expect((await second.redeem(page.url())).claims()).toMatchObject({ email, amr: ['hwk', 'mfa'] });

    expect(findings).toEqual([]);
    expect(problems).toEqual([]);
    await context.close();
  });
});
