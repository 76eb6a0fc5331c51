import type { Browser, BrowserContext, Page } from 'playwright-core';
import { generate } from 'otplib';
import { adminContext, launchBrowser, PASSWORD, signIn, startConsoleWorld, violations, type ConsoleWorld } from './fixture.js';

// browser globals inside page.evaluate callbacks (the tests are type-checked without the DOM library)
// eslint-disable-next-line @typescript-eslint/no-explicit-any
declare const document: any, navigator: any;

/**
 * The Security page (password, authenticator app, recovery codes, passkeys), the SCIM tokens page
 * and the organization's two-step requirement in Chromium, against one real server named
 * `localhost` (a passkey's RP ID is a domain), one browser for the whole file.
 */
let world: ConsoleWorld;
let browser: Browser;
/** ada: a read-only member of acme, who manages her own sign-in */
let ada: BrowserContext;
const ADA = 'ada@acme.test';
const NEW_PASSWORD = 'a fresh and longer passphrase';
let totpSecret = '';

beforeAll(async () => {
  [world, browser] = await Promise.all([startConsoleWorld({}, { issuerHost: 'localhost' }), launchBrowser()]);
  await world.server.gatehouse.identity.users.create({ email: ADA, password: PASSWORD, organizationId: world.acme.id, roles: ['member'] });
  ada = await browser.newContext({ permissions: ['clipboard-read', 'clipboard-write'] });
  ada.setDefaultTimeout(8000);
  await signIn(await ada.newPage(), world.server.url, ADA);
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await world?.server.stop();
});

const url = (path: string) => `${world.server.url}${path}`;
const code = (secret: string, steps = 0) => generate({ secret, epoch: Math.floor(Date.now() / 1000) + steps * 30 });
const factorRow = (page: Page, name: string) => page.getByRole('table', { name: 'Your second factors' }).getByRole('row').filter({ has: page.getByRole('rowheader', { name }) });

/** Gatehouse's login page, from the console's landing page: email and password, then (`totp`) the code step. */
async function signInWith(page: Page, password: string, totp?: string): Promise<void> {
  await page.goto(url('/console'));
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByLabel('Email').fill(ADA);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  if (totp) {
    await page.getByLabel('Code from your authenticator app, or a recovery code').fill(totp);
    await page.getByRole('button', { name: 'Verify' }).click();
  }
  await page.waitForURL(/\/console\/o\/acme\//);
}

describe('security, SCIM tokens and the two-step requirement in a browser', () => {
  it('changes the password: a wrong current one is refused beside its field, the right one ends the session, and the new one signs in', async () => {
    const page = ada.pages()[0];
    await page.goto(url('/console/o/acme/security'));
    const found = await violations(page);
    await page.getByLabel('Current password').first().fill('not my password');
    await page.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel('Repeat the new password').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Change password' }).click();
    expect(await page.locator('#current-password-error').textContent()).toMatch(/password/i);
    expect(await page.getByRole('alert').first().textContent()).toMatch(/password/i);
    expect(await page.getByLabel('Current password').first().getAttribute('aria-invalid')).toBe('true');
    found.push(...await violations(page));

    await page.getByLabel('Current password').first().fill(PASSWORD);
    await page.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel('Repeat the new password').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByRole('heading', { name: 'Your password was changed' }).waitFor();
    found.push(...await violations(page));
    // the console's session ended with the others: its pages ask who again, and the old password no longer works
    await page.getByRole('link', { name: 'Sign in again' }).click();
    await page.getByLabel('Email').fill(ADA);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('alert').first().waitFor();
    await page.getByLabel('Email').fill(ADA);
    await page.getByLabel('Password').fill(NEW_PASSWORD);
    await Promise.all([page.waitForURL(/security\?done=password/), page.getByRole('button', { name: 'Sign in', exact: true }).click()]);
    await page.getByRole('status').filter({ hasText: 'Your password was changed' }).waitFor();
    expect(found).toEqual([]);
  });

  it('adds an authenticator app (recovery codes once), signs out and back in with a code, and replaces the recovery codes', async () => {
    const page = ada.pages()[0];
    await page.goto(url('/console/o/acme/security'));
    await page.getByRole('button', { name: 'Add authenticator app' }).click();
    let dialog = page.getByRole('dialog', { name: 'Add authenticator app' });
    await dialog.getByLabel('Name').fill('Phone');
    await dialog.getByLabel('Current password').fill(NEW_PASSWORD);
    await dialog.getByRole('button', { name: 'Continue' }).click();
    const key = dialog.getByLabel('Key, to type into the app');
    totpSecret = (await key.inputValue()).replace(/\s/g, '');
    await dialog.getByRole('img', { name: 'QR code for your authenticator app' }).waitFor();
    const found = await violations(page);
    await dialog.getByLabel('Code from the app').fill('000000');
    await dialog.getByRole('button', { name: 'Turn on' }).click();
    await dialog.getByRole('alert').filter({ hasText: 'The code is not right' }).waitFor();
    await dialog.getByLabel('Code from the app').fill(await code(totpSecret));
    await dialog.getByRole('button', { name: 'Turn on' }).click();
    dialog = page.getByRole('dialog', { name: 'Two-step verification is on' });
    const codes = (await dialog.getByLabel('Recovery codes').inputValue()).split('\n');
    expect(codes).toHaveLength(10);
    const download = await dialog.getByRole('link', { name: 'Download as text' }).getAttribute('href');
    expect(decodeURIComponent(download!.replace(/^data:text\/plain;charset=utf-8,/, '')).split('\n').slice(3, 13)).toEqual(codes);
    await dialog.getByRole('button', { name: 'Copy' }).click();
    await dialog.getByText('Copied to the clipboard.').waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(codes.join('\n'));
    found.push(...await violations(page));
    await Promise.all([page.waitForEvent('load'), dialog.getByRole('link', { name: 'I saved them' }).click()]);
    expect(await factorRow(page, 'Phone').textContent()).toContain('Authenticator app');
    expect(await page.getByRole('heading', { name: /Two-step verification/ }).textContent()).toContain('on');

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Yes, sign me out' }).click();
    await page.getByRole('heading', { name: 'You are signed out' }).waitFor();
    await signInWith(page, NEW_PASSWORD, await code(totpSecret, 1));

    await page.goto(url('/console/o/acme/security'));
    await page.getByRole('button', { name: 'Generate new recovery codes' }).click();
    await page.getByRole('dialog', { name: 'Generate new recovery codes?' }).getByText('Your current codes stop working').waitFor();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('confirm-password');
    await page.keyboard.type(NEW_PASSWORD);
    await page.keyboard.press('Enter');
    const fresh = (await page.getByRole('dialog', { name: 'New recovery codes' }).getByLabel('Recovery codes').inputValue()).split('\n');
    expect(fresh).toHaveLength(10);
    expect(fresh.filter((c) => codes.includes(c))).toEqual([]);
    expect(found).toEqual([]);
  });

  it('adds a passkey through Chromium\'s virtual authenticator, and removes a factor after confirming with the password', async () => {
    const page = ada.pages()[0];
    const cdp = await ada.newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
    });
    const problems: string[] = [];
    page.on('console', (m) => { if (/Content Security Policy|Refused to/i.test(m.text())) problems.push(m.text()); });
    page.on('pageerror', (err) => problems.push(err.message));
    await page.goto(url('/console/o/acme/security'));
    const passkey = page.locator('form[data-webauthn]');
    await passkey.getByLabel('Passkey name').fill('Laptop');
    await passkey.getByLabel('Current password').fill('wrong password');
    await passkey.getByRole('button', { name: 'Add passkey' }).click();
    await passkey.getByRole('alert').filter({ hasText: /password/i }).waitFor();
    expect((await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials).toEqual([]);
    await passkey.getByLabel('Current password').fill(NEW_PASSWORD);
    await Promise.all([page.waitForURL(/done=passkey/), passkey.getByRole('button', { name: 'Add passkey' }).click()]);
    expect(await factorRow(page, 'Laptop').textContent()).toContain('Passkey');
    expect((await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials).toEqual([expect.objectContaining({ rpId: 'localhost' })]);

    await factorRow(page, 'Laptop').getByRole('button', { name: 'Remove Laptop' }).click();
    const dialog = page.getByRole('dialog', { name: 'Remove passkey “Laptop”?' });
    const found = await violations(page);
    await dialog.getByLabel('Current password').fill('wrong password');
    await dialog.getByRole('button', { name: 'Remove factor' }).click();
    await dialog.locator('.error').filter({ hasText: /password/i }).waitFor();
    await dialog.getByLabel('Current password').fill(NEW_PASSWORD);
    await Promise.all([page.waitForURL(/done=removed/), dialog.getByRole('button', { name: 'Remove factor' }).click()]);
    expect(await factorRow(page, 'Laptop').count()).toBe(0);
    expect(await factorRow(page, 'Phone').count()).toBe(1);
    expect(found).toEqual([]);
    expect(problems).toEqual([]);
  });

  it('creates a SCIM token with the keyboard (shown once, copied), which provisions through /scim/v2 until it is revoked after confirmation', async () => {
    const admin = await adminContext(browser, world);
    const page = admin.pages()[0];
    await page.goto(url('/console/o/acme/scim'));
    for (let i = 0; i < 40 && !(await page.evaluate(() => document.activeElement?.textContent === 'Create SCIM token')); i++) await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Create SCIM token' });
    await dialog.waitFor();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('scim-name');
    expect(await dialog.getByRole('checkbox', { name: /users:write/ }).isChecked()).toBe(true);
    const found = await violations(page);
    await page.keyboard.type('Okta');
    await page.keyboard.press('Enter');
    const shown = page.getByRole('dialog').getByLabel('New SCIM token');
    const token = await shown.inputValue();
    expect(token).toMatch(/^scim_/);
    expect(await page.getByRole('dialog').getByLabel('SCIM base URL').inputValue()).toBe(`${world.server.url}/scim/v2`);
    await page.getByRole('dialog').getByRole('button', { name: 'Copy' }).first().click();
    await page.getByRole('dialog').getByText('Copied to the clipboard.').waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(token);
    found.push(...await violations(page));
    const users = () => fetch(url('/scim/v2/Users'), { headers: { authorization: `Bearer ${token}` } }).then((r) => r.status);
    expect(await users()).toBe(200);

    await Promise.all([page.waitForEvent('load'), page.getByRole('dialog').getByRole('link', { name: 'Done' }).click()]);
    const row = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: /Okta/ }) });
    expect(await row.textContent()).toMatch(/active[\s\S]*users:write/);
    await row.getByRole('button', { name: 'Revoke Okta' }).click();
    const confirm = page.getByRole('dialog', { name: 'Revoke SCIM token “Okta”?' });
    found.push(...await violations(page));
    await Promise.all([page.waitForURL(/done=revoked/), confirm.getByRole('button', { name: 'Revoke token' }).click()]);
    expect(await row.textContent()).toContain('revoked');
    expect(await users()).toBe(401);
    expect(found).toEqual([]);
    await admin.close();
  });

  it('requires two-step verification of the organization\'s members, and stops requiring it', async () => {
    const admin = await adminContext(browser, world);
    const page = admin.pages()[0];
    await page.goto(url('/console/o/acme/settings'));
    const panel = page.getByRole('region', { name: 'Two-step verification' });
    expect(await panel.textContent()).toContain('not required');
    await Promise.all([page.waitForURL(/done=mfa_on/), panel.getByRole('button', { name: 'Require two-step verification' }).click()]);
    expect((await world.server.gatehouse.store.organizations.findById(world.acme.id))!.mfaRequired).toBe(true);
    expect(await panel.textContent()).toContain('required');
    const found = await violations(page);
    await Promise.all([page.waitForURL(/done=mfa_off/), panel.getByRole('button', { name: 'Stop requiring two-step verification' }).click()]);
    expect((await world.server.gatehouse.store.organizations.findById(world.acme.id))!.mfaRequired).toBe(false);
    expect(found).toEqual([]);
    await admin.close();
  });

  it('offers a read-only member none of these controls, and every new page passes axe and reads at 390 px', async () => {
    const token = await world.server.gatehouse.scim.tokens.create({ principal: 'operator', ip: null }, world.acme.id, { name: 'Entra', permissions: ['users:read'] });
    const member = await browser.newContext();
    const page = await member.newPage();
    await signIn(page, world.server.url, world.member);
    await page.goto(url('/console/o/acme/scim'));
    await page.getByRole('row').filter({ hasText: 'Entra' }).waitFor();
    expect(await page.getByRole('button', { name: /Create SCIM token|Revoke/ }).count()).toBe(0);
    await page.goto(url('/console/o/acme/settings'));
    await page.getByRole('region', { name: 'Two-step verification' }).waitFor();
    expect(await page.getByRole('button', { name: /two-step/ }).count()).toBe(0);
    await member.close();

    const admin = await adminContext(browser, world);
    const view = admin.pages()[0];
    const found: string[] = [];
    const paths = ['/console/o/acme/security', '/console/o/acme/security/totp', '/console/o/acme/security/recovery-codes',
      '/console/o/acme/scim', '/console/o/acme/scim/new', `/console/o/acme/scim/${token.record.id}/revoke`, '/console/o/acme/settings'];
    for (const width of [1280, 390]) {
      await view.setViewportSize({ width, height: 900 });
      for (const path of paths) {
        await view.goto(url(path));
        // axe takes 1–2 s a page: the journeys above checked the lists, settings and dialogs at full width;
        // here the dialogs as pages (without script), and the lists at 390 px
        if (width > 400 ? !/(security|scim|settings)$/.test(path) : /(security|scim)$/.test(path)) found.push(...(await violations(view)).map((v) => `@${width} ${v}`));
        const overflow = await view.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        if (overflow > 0) found.push(`${path} is ${overflow}px wider than ${width}px`);
      }
    }
    expect(found).toEqual([]);
    await admin.close();
  }, 90_000);
});
