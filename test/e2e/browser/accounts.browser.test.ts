import type { Page } from 'playwright-core';
import { generate } from 'otplib';
import { describeBrowser } from '../../support/browser.js';
import { linkIn } from '../../support/accounts.js';
import { seedOAuth } from '../../support/oauth.js';
import { audit, authorization, browserSuite, vendorApp } from './accounts-fixture.js';

const s = browserSuite();

const code = (secret: string, steps = 0) => generate({ secret, epoch: Math.floor(Date.now() / 1000) + steps * 30 });

describeBrowser('an account in a real browser, 390 px wide', () => {
  it('signs up, verifies the email, signs in and sets up an authenticator app, signs out, and signs in with password and code', async () => {
    const config = await vendorApp(s.server, s.callback.url);
    const context = await s.browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (m) => { if (/Content Security Policy|Refused to/i.test(m.text())) problems.push(m.text()); });
    page.on('pageerror', (err) => problems.push(err.message));
    const findings: string[] = [];
    const email = 'ada@rockets.example';
    const password = 'a long and careful passphrase';

    const first = await authorization(config, s.callback.url);
    await page.goto(first.url);
    await page.getByRole('link', { name: 'Create an account' }).click();
    await page.getByRole('heading', { name: 'Create an account' }).waitFor();
    await audit(page, 'sign-up', findings);
    await page.getByLabel('Work email').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByLabel('Organization name').fill('Acme Rockets');
    expect(await page.getByLabel('Require two-step verification for everyone in the organization').isChecked()).toBe(true);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('heading', { name: 'Check your mail' }).waitFor();
    await audit(page, 'check your mail', findings);

    // the link, opened in another tab as from a mail client
    const link = linkIn(await s.smtp.next(), '/verify-email');
    const mailTab = await context.newPage();
    await mailTab.goto(link.href);
    await mailTab.getByRole('heading', { name: 'Confirm your email address' }).waitFor();
    await audit(mailTab, 'confirm the address', findings);
    await mailTab.getByRole('button', { name: 'Confirm my address' }).click();
    await mailTab.getByRole('heading', { name: 'Email address confirmed' }).waitFor();
    await audit(mailTab, 'address confirmed', findings);
    await mailTab.close();

    await page.getByRole('link', { name: 'Back to sign in' }).click();
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('heading', { name: 'Set up two-step verification' }).waitFor();
    await audit(page, 'enrolment', findings);
    await page.screenshot({ path: '/tmp/gatehouse-enrol.png', fullPage: true });
    const secret = (await page.locator('#totp-secret').textContent())!.replace(/\s/g, '');
    await page.getByLabel('Code from the app').fill('000000');
    await page.getByRole('button', { name: 'Turn on' }).click();
    await expect(page.getByRole('alert').first().textContent()).resolves.toBe('That code is not right. Enter the code the app shows now.');
    await page.getByLabel('Code from the app').fill(await code(secret));
    await page.getByRole('button', { name: 'Turn on' }).click();
    await page.getByRole('heading', { name: 'Save your recovery codes' }).waitFor();
    await audit(page, 'recovery codes', findings);
    expect(await page.getByRole('list', { name: 'Recovery codes' }).getByRole('listitem').count()).toBe(10);
    await page.getByRole('button', { name: 'I saved them, continue' }).click();
    await page.getByRole('button', { name: 'Allow' }).click();
    await page.waitForURL((u) => u.href.startsWith(s.callback.url));
    expect((await first.redeem(page.url())).claims()).toMatchObject({ email, email_verified: true, amr: ['pwd', 'otp', 'mfa'] });

    await page.goto(`${s.server.url}/session/end`);
    await page.getByRole('button', { name: 'Yes, sign me out' }).click();
    await page.getByRole('heading', { name: 'You are signed out' }).waitFor();

    const second = await authorization(config, s.callback.url);
    await page.goto(second.url);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('heading', { name: 'Two-step verification' }).waitFor();
    await audit(page, 'second factor', findings);
    await page.getByLabel('Code from your authenticator app, or a recovery code').fill(await code(secret, 1));
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.waitForURL((u) => u.href.startsWith(s.callback.url));
    expect((await second.redeem(page.url())).claims()).toMatchObject({ email, amr: ['pwd', 'otp', 'mfa'] });

    expect(findings).toEqual([]);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('resets a forgotten password with JavaScript off, the pages passing axe at 390 px', async () => {
    const { user, email } = await seedOAuth(s.server.gatehouse);
    const context = await s.browser.newContext({ viewport: { width: 390, height: 844 } });
    // axe runs in a page with script; the person's own tab has none
    const page: Page = await context.newPage();
    const findings: string[] = [];
    await page.goto(`${s.server.url}/password/forgot`);
    await audit(page, 'forgot password', findings);
    const noScript = await s.browser.newContext({ viewport: { width: 390, height: 844 }, javaScriptEnabled: false });
    const tab = await noScript.newPage();
    await tab.goto(`${s.server.url}/password/forgot`);
    await tab.getByLabel('Email').fill(email);
    await tab.getByRole('button', { name: 'Send the link' }).click();
    await tab.getByRole('heading', { name: 'Check your mail' }).waitFor();
    let mail = await s.smtp.next();
    while (!mail.text?.includes('/password/reset')) mail = await s.smtp.next();
    const link = linkIn(mail, '/password/reset');
    await tab.goto(link.href);
    await page.goto(link.href);
    await audit(page, 'new password', findings);
    await tab.getByLabel('New password').fill('another long passphrase');
    await tab.getByLabel('Repeat it').fill('another long passphrase');
    await tab.getByRole('button', { name: 'Set the password' }).click();
    await tab.getByRole('heading', { name: 'Password changed' }).waitFor();
    await s.smtp.next();
    expect(await s.server.gatehouse.identity.users.verifyPassword(email, 'another long passphrase')).toMatchObject({ id: user.id });
    expect(findings).toEqual([]);
    await noScript.close();
    await context.close();
  });
});
