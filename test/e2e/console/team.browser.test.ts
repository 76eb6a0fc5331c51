import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { OPERATOR } from '../../../src/audit/actor.js';
import { problemResponder } from '../../../src/resource-server/index.js';
import { invitationLink, startSmtpSink, type SmtpSink } from '../../support/mail.js';
import { startWebhookReceiver, type WebhookReceiver } from '../../support/webhook-receiver.js';
import { adminContext, launchBrowser, openPage as openIn, signIn, startConsoleWorld, violations, type ConsoleWorld } from './fixture.js';

// browser globals inside page.evaluate callbacks (the tests are type-checked without the DOM library)
// eslint-disable-next-line @typescript-eslint/no-explicit-any
declare const document: any;

/**
 * The console's members, webhooks, permission picker and organization pages in Chromium, against
 * one real server (mail through a real SMTP server, webhooks to a real receiver verifying with
 * `standardwebhooks`), one browser and one signed-in admin for the whole file.
 */
const PLATFORM_API = 'https://pipelines.example';
let world: ConsoleWorld;
let smtp: SmtpSink;
let receiver: WebhookReceiver;
let browser: Browser;
let admin: BrowserContext;
/** the operator's platform API, protected by Gatehouse's resource-server middleware in process */
let pipelines: Server;
let pipelinesUrl = '';

beforeAll(async () => {
  [smtp, receiver, browser] = await Promise.all([startSmtpSink(), startWebhookReceiver(), launchBrowser()]);
  world = await startConsoleWorld({ smtpUrl: smtp.url, webhooks: { allowPrivateNetworks: true, pollIntervalMs: 50 } });
  const gh = world.server.gatehouse;
  await gh.identity.resources.create(OPERATOR, null, { identifier: PLATFORM_API, name: 'Pipelines', permissions: ['pipelines:read', 'pipelines:run'] });
  const api = new Koa();
  api.use(problemResponder());
  api.use(gh.resourceServer.authenticate({ audience: PLATFORM_API }));
  api.use(gh.resourceServer.requirePermissions('pipelines:run'));
  api.use((ctx) => { ctx.body = { ran: true, organization: ctx.state.principal.organization }; });
  pipelines = createServer(api.callback());
  await new Promise<void>((resolve) => pipelines.listen(0, '127.0.0.1', resolve));
  pipelinesUrl = `http://127.0.0.1:${(pipelines.address() as AddressInfo).port}`;
  admin = await adminContext(browser, world);
}, 60_000);
afterAll(async () => {
  await browser?.close();
  pipelines?.closeAllConnections();
  await new Promise((resolve) => (pipelines ? pipelines.close(resolve) : resolve(null)));
  await world?.server.stop();
  await Promise.all([smtp?.close(), receiver?.close()]);
});

const openPage = (path: string) => openIn(admin, world.server.url, path);

/** Resolves once `done()` holds (checked every 50 ms), or fails after `ms`. */
async function until(done: () => boolean, ms = 10_000): Promise<void> {
  for (const end = Date.now() + ms; !done(); await new Promise((r) => setTimeout(r, 50))) if (Date.now() > end) throw new Error('condition not met in time');
}

const memberRow = (page: Page, email: string) => page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: new RegExp(email.replace('.', '\\.')) }) });

describe('members, webhooks and organization pages in a browser', () => {
  it('invites a member, who follows the mailed link, chooses a password and appears in the list; a pending invitation can be revoked', async () => {
    const page = await openPage('/console/o/acme/members');
    await page.getByRole('button', { name: 'Invite member' }).click();
    const dialog = page.getByRole('dialog', { name: 'Invite member' });
    await dialog.getByLabel('Email').fill('grace@acme.test');
    expect(await dialog.getByRole('checkbox', { name: /^member/ }).isChecked()).toBe(true);
    await Promise.all([page.waitForURL(/done=invited/), dialog.getByRole('button', { name: 'Send invitation' }).click()]);
    const pending = page.getByRole('table', { name: 'Pending invitations' });
    await pending.getByRole('row').filter({ hasText: 'grace@acme.test' }).waitFor();

    const mail = await smtp.next(10_000);
    expect(mail.subject).toContain('Acme Inc');
    const visitor = await browser.newContext();
    const invited = await visitor.newPage();
    await invited.goto(invitationLink(mail).href);
    await invited.getByLabel('Choose a password (at least 8 characters)').fill('a brand new passphrase');
    await invited.getByLabel('Repeat it').fill('a brand new passphrase');
    await invited.getByRole('button', { name: 'Create my account and join' }).click();
    await invited.getByRole('heading', { name: 'You joined Acme Inc' }).waitFor();
    await visitor.close();

    await page.reload();
    const row = memberRow(page, 'grace@acme.test');
    expect(await row.textContent()).toMatch(/member[\s\S]*enabled/);
    expect(await pending.getByRole('row').filter({ hasText: 'grace@acme.test' }).count()).toBe(0);

    // another invitation, with the keyboard alone, then revoked: its link stops working
    for (let i = 0; i < 40 && !(await page.evaluate(() => document.activeElement?.textContent === 'Invite member')); i++) await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.getByRole('dialog').waitFor();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('invite-email');
    await page.keyboard.type('nobody@acme.test');
    await Promise.all([page.waitForURL(/done=invited/), page.keyboard.press('Enter')]);
    const link = invitationLink(await smtp.next(10_000));
    await Promise.all([page.waitForURL(/done=revoked/), page.getByRole('button', { name: 'Revoke the invitation of nobody@acme.test' }).click()]);
    expect((await fetch(link)).status).toBe(404);
  });

  it('changes a member\'s roles, disables and enables them, shows the last-admin refusal, and removes a member after confirmation', async () => {
    const page = await openPage('/console/o/acme/members');
    const grace = memberRow(page, 'grace@acme.test');
    await grace.getByRole('button', { name: 'Change roles grace@acme.test' }).click();
    const roles = page.getByRole('dialog');
    await roles.getByRole('checkbox', { name: /^admin/ }).check();
    await Promise.all([page.waitForURL(/done=roles/), roles.getByRole('button', { name: 'Save roles' }).click()]);
    expect(await memberRow(page, 'grace@acme.test').textContent()).toMatch(/admin/);

    await memberRow(page, 'grace@acme.test').getByRole('button', { name: 'Disable grace@acme.test' }).click();
    await page.getByRole('dialog').getByText('API keys they created are revoked').waitFor();
    await Promise.all([page.waitForURL(/done=disabled/), page.getByRole('button', { name: 'Disable member', exact: true }).click()]);
    expect(await memberRow(page, 'grace@acme.test').textContent()).toContain('disabled');
    await Promise.all([page.waitForURL(/done=enabled/), memberRow(page, 'grace@acme.test').getByRole('button', { name: 'Enable grace@acme.test' }).click()]);
    expect(await memberRow(page, 'grace@acme.test').textContent()).toContain('enabled');

    // grace removed: the admin is acme's only admin again, and removing herself is refused with the API's reason
    await memberRow(page, 'grace@acme.test').getByRole('button', { name: 'Remove grace@acme.test' }).click();
    await Promise.all([page.waitForURL(/done=removed/), page.getByRole('dialog').getByRole('button', { name: 'Remove member' }).click()]);
    expect(await memberRow(page, 'grace@acme.test').count()).toBe(0);
    await memberRow(page, world.admin).getByRole('button', { name: `Remove ${world.admin}` }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Remove member' }).click();
    await page.getByRole('dialog').getByRole('alert').filter({ hasText: 'An organization must keep an enabled admin' }).waitFor();
    const user = await world.server.gatehouse.identity.users.getByEmail(world.admin);
    expect(await world.server.gatehouse.store.memberships.find(world.acme.id, user!.id)).not.toBeNull();
  });

  it('creates a key with the platform API\'s permission from a picker grouped by API, and the key runs a pipeline', async () => {
    const page = await openPage('/console/o/acme/api-keys');
    await page.getByRole('button', { name: 'Create API key' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create API key' });
    const groups = await dialog.locator('.perm-group legend').allTextContents();
    expect(groups.map((g) => g.replace(/\s+/g, ' ').trim())).toEqual(['Gatehouse management API Gatehouse itself', 'Pipelines platform API']);
    await dialog.getByLabel('Name').fill('build-runner');
    await dialog.getByRole('group', { name: /Pipelines/ }).getByRole('checkbox', { name: /pipelines:run/ }).check();
    await dialog.getByRole('button', { name: 'Create', exact: true }).click();
    const key = await page.getByLabel('New API key').inputValue();
    const run = (presented: string) => fetch(`${pipelinesUrl}/run`, { method: 'POST', headers: { 'x-api-key': presented } });
    const ran = await run(key);
    expect([ran.status, await ran.json()]).toEqual([200, { ran: true, organization: world.acme.id }]);
    const { key: other } = await world.server.gatehouse.apiKeys.create(OPERATOR, world.acme.id, { name: 'reader', permissions: ['pipelines:read'] });
    expect((await run(other)).status).toBe(403);
  });

  it('adds a webhook endpoint (secret once), sees its deliveries, redelivers, rotates the secret, pauses it and deletes it after confirmation', async () => {
    const page = await openPage('/console/o/acme/webhooks');
    await page.getByRole('button', { name: 'Add endpoint' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add endpoint' });
    await dialog.getByLabel('Endpoint URL').fill(receiver.url);
    await dialog.getByLabel('Description').fill('key inventory');
    expect(await dialog.getByRole('group', { name: 'Members' }).getByRole('checkbox').count()).toBe(3);
    await dialog.getByRole('group', { name: 'API keys' }).getByRole('checkbox', { name: /api_key\.created/ }).check();
    await dialog.getByRole('button', { name: 'Create endpoint' }).click();
    const secret = await page.getByRole('textbox', { name: 'Signing secret' }).inputValue();
    expect(secret).toMatch(/^whsec_/);
    receiver.secrets.push(secret);

    await world.server.gatehouse.apiKeys.create(OPERATOR, world.acme.id, { name: 'hooked', permissions: ['audit:read'] });
    await receiver.waitForMessages(1);
    const [webhookId] = [...receiver.messages.keys()];
    expect(receiver.messages.get(webhookId)!.type).toBe('api_key.created');

    await Promise.all([page.waitForEvent('load'), page.getByRole('link', { name: 'Done' }).click()]);
    await page.getByRole('link', { name: receiver.url }).click();
    const deliveries = page.getByRole('table', { name: `Deliveries to ${receiver.url}` });
    const delivered = deliveries.getByRole('row').filter({ hasText: webhookId });
    expect(await delivered.textContent()).toMatch(/api_key\.created[\s\S]*succeeded[\s\S]*1[\s\S]*204/);
    const before = receiver.requests.length;
    await Promise.all([page.waitForURL(/done=redelivered/), delivered.getByRole('button', { name: /^Redeliver/ }).click()]);
    await until(() => receiver.requests.length === before + 1);
    expect(receiver.requests.at(-1)!.headers['webhook-id']).toBe(webhookId);

    await page.getByLabel('The old secret keeps signing for').selectOption('1h');
    await page.getByRole('button', { name: 'Rotate secret' }).click();
    const rotated = await page.getByRole('textbox', { name: 'Signing secret' }).inputValue();
    expect(rotated).toMatch(/^whsec_/);
    expect(rotated).not.toBe(secret);
    expect(await page.getByRole('dialog').textContent()).toContain('both signatures for 1 hour');
    await Promise.all([page.waitForEvent('load'), page.keyboard.press('Escape')]);

    await Promise.all([page.waitForURL(/done=disabled/), page.getByRole('button', { name: 'Disable', exact: true }).click()]);
    expect(await page.locator('.facts').textContent()).toContain('disabled');
    await Promise.all([page.waitForURL(/done=enabled/), page.getByRole('button', { name: 'Enable', exact: true }).click()]);
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    await page.getByRole('dialog').getByText('This cannot be undone').waitFor();
    await Promise.all([page.waitForURL(/webhooks\?done=deleted/), page.getByRole('button', { name: 'Delete endpoint' }).click()]);
    expect(await page.getByRole('link', { name: receiver.url }).count()).toBe(0);
  });

  it('renames the organization: the header follows', async () => {
    const page = await openPage('/console/o/acme/settings');
    expect(await page.locator('.facts').textContent()).toMatch(/Plan[\s\S]*free[\s\S]*Pipelines/);
    await page.getByLabel('Organization name').fill('Acme Rockets');
    await Promise.all([page.waitForURL(/done=renamed/), page.getByRole('button', { name: 'Save name' }).click()]);
    expect(await page.locator('summary').textContent()).toContain('Acme Rockets');
    expect((await world.server.gatehouse.store.organizations.findById(world.acme.id))!.name).toBe('Acme Rockets');
  });

  it('has no axe violations on the new pages and dialogs, reads at 390 px, and a member is offered none of their controls', async () => {
    const gh = world.server.gatehouse;
    const { endpoint } = await gh.webhooks.endpoints.create(OPERATOR, world.acme.id, { url: receiver.url, events: ['member.joined'] });
    const memberUser = await gh.identity.users.getByEmail(world.member);
    const paths = ['/console/o/acme/members', '/console/o/acme/members/invite', `/console/o/acme/members/${memberUser!.id}/roles`, `/console/o/acme/members/${memberUser!.id}/remove`,
      '/console/o/acme/webhooks', '/console/o/acme/webhooks/new', `/console/o/acme/webhooks/${endpoint.id}`, `/console/o/acme/webhooks/${endpoint.id}/delete`, '/console/o/acme/settings'];
    const page = await openPage('/console/o/acme/members');
    const found: string[] = [];
    for (const width of [1280, 390]) {
      await page.setViewportSize({ width, height: 900 });
      for (const path of paths) {
        await page.goto(`${world.server.url}${path}`);
        // axe takes 1–2 s a page here: every page at full width, the lists at 390 px as well
        if (width > 400 || /(members|webhooks)$/.test(path)) found.push(...(await violations(page)).map((v) => `@${width} ${v}`));
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        if (overflow > 0) found.push(`${path} is ${overflow}px wider than ${width}px`);
      }
    }
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`${world.server.url}/console/o/acme/members`);
    await page.getByRole('button', { name: 'Invite member' }).click();
    await page.getByRole('dialog').waitFor();
    found.push(...await violations(page));
    expect(found).toEqual([]);

    const context = await browser.newContext();
    const member = await context.newPage();
    await signIn(member, world.server.url, world.member);
    for (const [path, heading] of [['members', 'Members'], ['webhooks', 'Webhooks'], [`webhooks/${endpoint.id}`, receiver.url], ['settings', 'Organization']]) {
      await member.goto(`${world.server.url}/console/o/acme/${path}`);
      await member.getByRole('heading', { name: heading, level: 1 }).waitFor();
      expect(await member.getByRole('button', { name: /Invite|Change roles|Disable|Enable|Remove|Revoke|Add endpoint|Rotate|Delete|Redeliver|Save/ }).count()).toBe(0);
    }
    await context.close();
  }, 120_000);
});
