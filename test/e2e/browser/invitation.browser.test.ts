import type { Browser } from 'playwright-core';
import { OPERATOR } from '../../../src/audit/actor.js';
import { startTestServer, type RunningGatehouse } from '../../support/harness.js';
import { chromiumAvailable as available, describeBrowser, launchChromium } from '../../support/browser.js';
import { invitationLink, startSmtpSink, type SmtpSink } from '../../support/mail.js';

let server: RunningGatehouse;
let smtp: SmtpSink;
let browser: Browser;

beforeAll(async () => {
  if (!available) return;
  smtp = await startSmtpSink();
  server = await startTestServer({ smtpUrl: smtp.url });
  browser = await launchChromium();
});

afterAll(async () => {
  if (!available) return;
  await browser?.close();
  await server?.stop();
  await smtp?.close();
});

describeBrowser('accepting an invitation with a real browser, JavaScript off', () => {
  it('follows the mailed link, chooses a password, and joins', async () => {
    const org = await server.gatehouse.identity.organizations.create({ slug: 'acme', name: 'Acme Rockets' });
    await server.gatehouse.identity.invitations.create(OPERATOR, org.id, { email: 'new.person@example.com', roles: ['member'] });
    const link = invitationLink(await smtp.next());

    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    const violations: string[] = [];
    page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) violations.push(m.text()); });
    await page.goto(link.href);
    await page.getByRole('heading', { name: 'Join Acme Rockets' }).waitFor();
    await page.getByLabel('Choose a password (at least 8 characters)').fill('a brand new passphrase');
    await page.getByLabel('Repeat it').fill('a brand new passphrase');
    await page.getByRole('button', { name: 'Create my account and join' }).click();
    await page.getByRole('heading', { name: 'You joined Acme Rockets' }).waitFor();
    expect(violations).toEqual([]);
    await context.close();

    const user = await server.gatehouse.identity.users.verifyPassword('new.person@example.com', 'a brand new passphrase');
    expect((await server.gatehouse.store.memberships.find(org.id, user!.id))!.roles).toEqual(['member']);
  });
});
