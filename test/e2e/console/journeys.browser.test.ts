import { OPERATOR } from '../../../src/audit/actor.js';
import type { Browser, BrowserContext } from 'playwright-core';
import { clientConfig, FormAgent, loginAndExchange, REDIRECT_URI, refreshAt } from '../../support/oauth.js';
import { adminContext, launchBrowser, openPage as openIn, PASSWORD, signIn, startConsoleWorld, violations, type ConsoleWorld } from './fixture.js';

// browser globals inside page.evaluate callbacks (the tests are type-checked without the DOM library)
// eslint-disable-next-line @typescript-eslint/no-explicit-any
declare const document: any, location: any, navigator: any;

let world: ConsoleWorld;
let browser: Browser;
let admin: BrowserContext;
/** a third-party app of another organization (tools), which the admin authorizes for acme */
const insights = { clientId: '', secret: '' };

/** The admin authorizes Insights to act for acme (login and consent pages, without a browser); its refresh token. */
async function connectInsights(): Promise<string> {
  const config = await clientConfig(world.server.url, insights.clientId, insights.secret);
  const { tokens } = await loginAndExchange(config, new FormAgent(), world.server.url, { email: world.admin, password: PASSWORD },
    { scope: 'openid email offline_access api_keys:read', prompt: 'consent', organization: 'acme' });
  return tokens.refresh_token!;
}

beforeAll(async () => {
  [world, browser] = await Promise.all([startConsoleWorld(), launchBrowser()]);
  const tools = await world.server.gatehouse.identity.organizations.create({ slug: 'tools', name: 'Tools' });
  const { client, client_secret } = await world.server.gatehouse.oauth.clients.create(OPERATOR, tools.id, { name: 'Insights', redirect_uris: [REDIRECT_URI], multi_organization: true });
  Object.assign(insights, { clientId: client.clientId, secret: client_secret });
  // the admin belongs to acme and beta: Gatehouse's picker asks which
  admin = await adminContext(browser, world);
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await world?.server.stop();
});

const useKey = (key: string) => fetch(`${world.server.url}/v1/organizations/acme/api-keys`, { headers: { 'X-API-Key': key } }).then((r) => r.status);

const openPage = (path: string) => openIn(admin, world.server.url, path);

describe('the console in a browser', () => {
  it('creates a key with two permissions, an expiry and an allowlist, copies it, rotates it with a grace period and revokes the old one', async () => {
    const page = await openPage('/console/o/acme/api-keys');
    await page.getByRole('button', { name: 'Create API key' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create API key' });
    await dialog.getByLabel('Name').fill('billing-worker');
    await dialog.getByRole('checkbox', { name: /api_keys:read/ }).check();
    await dialog.getByRole('checkbox', { name: /audit:read/ }).check();
    await dialog.getByLabel('Expires after').selectOption('30d');
    await dialog.getByLabel('IP allowlist').fill('127.0.0.0/8\n::1/128');
    await dialog.getByRole('button', { name: 'Create', exact: true }).click();

    const shown = page.getByLabel('New API key');
    const key = await shown.inputValue();
    expect(key).toMatch(/^ak_live_[0-9A-Za-z]+$/);
    await page.getByRole('button', { name: 'Copy' }).click();
    await page.getByText('Copied to the clipboard.').waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(key);
    expect(await useKey(key)).toBe(200);
    const [record] = (await world.server.gatehouse.apiKeys.list({ principal: 'operator', ip: null }, world.acme.id, { limit: 1 })).items;
    expect(record.permissions.sort()).toEqual(['api_keys:read', 'audit:read']);
    expect(record.ipAllowlist).toEqual(['127.0.0.0/8', '::1/128']);
    expect(record.expiresAt!.getTime() - Date.now()).toBeGreaterThan(29 * 86_400_000);

    await Promise.all([page.waitForEvent('load'), page.getByRole('link', { name: 'Done' }).click()]);
    const row = page.getByRole('row').filter({ hasText: key.slice(8, 14) });
    await row.getByRole('button', { name: 'Rotate' }).click();
    const rotated = await page.getByLabel('New API key').inputValue();
    expect(rotated).not.toBe(key);
    expect(await page.getByRole('dialog').textContent()).toContain('keeps working for 24 hours');
    expect([await useKey(key), await useKey(rotated)]).toEqual([200, 200]);

    await Promise.all([page.waitForEvent('load'), page.keyboard.press('Escape')]);
    await page.getByRole('row').filter({ hasText: key.slice(8, 14) }).getByRole('button', { name: 'Revoke' }).click();
    await page.getByRole('dialog').getByText('This cannot be undone').waitFor();
    await Promise.all([page.waitForURL(/done=revoked/), page.getByRole('button', { name: 'Revoke key' }).click()]);
    await page.getByRole('status').filter({ hasText: 'revoked' }).waitFor();
    expect([await useKey(key), await useKey(rotated)]).toEqual([401, 200]);
  });

  it('creates a key with the keyboard alone', async () => {
    const page = await openPage('/console/o/acme/api-keys');
    for (let i = 0; i < 40 && !(await page.evaluate(() => document.activeElement?.textContent === 'Create API key')); i++) await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.getByRole('dialog').waitFor();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('key-name');
    await page.keyboard.type('keyboard-key');
    await page.keyboard.press('Tab');  // the environment radios (one stop)
    await page.keyboard.press('Tab');  // the first permission
    await page.keyboard.press('Space');
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Enter');
    const key = await page.getByLabel('New API key').inputValue();
    expect(key).toMatch(/^ak_live_/);
    expect(await page.evaluate(() => document.activeElement?.closest('dialog') !== null)).toBe(true);
  });

  it('offers a member no create button, and the API refuses a forged create anyway', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signIn(page, world.server.url, world.member);
    await page.getByRole('heading', { name: 'API keys' }).waitFor();
    expect(await page.getByRole('button', { name: 'Create API key' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: /Rotate|Revoke/ }).count()).toBe(0);
    const answer = await page.evaluate(async () => {
      const csrf = document.querySelector('input[name=_csrf]').value;
      const res = await fetch(location.pathname, { method: 'POST', body: new URLSearchParams({ _csrf: csrf, name: 'member-try', permissions: 'api_keys:read' }) });
      return { status: res.status, text: await res.text() };
    });
    expect(answer.status).toBe(403);
    expect(answer.text).toMatch(/<div class="alert" role="alert">[^<]*(read-only|api_keys:write)/);
    const names = (await world.server.gatehouse.apiKeys.list({ principal: 'operator', ip: null }, world.acme.id, { limit: 100 })).items.map((k) => k.name);
    expect(names).not.toContain('member-try');
    await connectInsights();
    await page.goto(`${world.server.url}/console/o/acme/connected-apps`);
    await page.getByRole('row').filter({ hasText: 'Insights' }).waitFor();
    expect(await page.getByRole('button', { name: /Disconnect/ }).count()).toBe(0);
    await context.close();
  });

  it('switches organization through Gatehouse\'s picker, at once between those signed in, and silently to a page of another', async () => {
    const page = await openPage('/console/o/acme/api-keys');
    await page.locator('summary').click();
    await page.getByRole('link', { name: 'Another organization…' }).click();
    await page.getByRole('heading', { name: 'Choose an organization' }).waitFor();
    await page.getByLabel('Beta Labs').check();
    await Promise.all([page.waitForURL(/\/console\/o\/beta\/api-keys$/), page.getByRole('button', { name: 'Continue' }).click()]);
    expect(await page.locator('summary').textContent()).toContain('Beta Labs');
    await page.locator('summary').click();
    await Promise.all([page.waitForURL(/\/console\/o\/acme\/api-keys$/), page.getByRole('link', { name: /Acme Inc/ }).click()]);
    expect(await page.locator('summary').textContent()).toContain('Acme Inc');

    // a console signed in to acme only opens a beta page through organization=beta: no login page, no picker
    const context = await browser.newContext();
    const other = await context.newPage();
    await signIn(other, world.server.url, world.admin, 'Acme Inc');
    // (a login page or the picker would be where the navigation ends)
    await other.goto(`${world.server.url}/console/o/beta/roles`);
    expect(other.url()).toBe(`${world.server.url}/console/o/beta/roles`);
    expect(await other.locator('summary').textContent()).toContain('Beta Labs');
    await context.close();
  });

  it('lists the apps members connected and disconnects one after confirmation: its refresh token stops working', async () => {
    const refreshToken = await connectInsights();
    const page = await openPage('/console/o/acme/connected-apps');
    const row = page.getByRole('row').filter({ hasText: 'Insights' });
    expect(await row.textContent()).toMatch(/Tools[\s\S]*api_keys:read[\s\S]*1 member/);
    expect(await page.getByRole('row').filter({ hasText: 'gatehouse-console' }).count()).toBe(0);
    await row.getByRole('button', { name: 'Disconnect Insights' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText(world.admin).waitFor();
    expect(await dialog.getByRole('heading').first().textContent()).toBe('Disconnect “Insights” from Acme Inc?');
    await Promise.all([page.waitForURL(/done=disconnected/), dialog.getByRole('button', { name: 'Disconnect app' }).click()]);
    await page.getByRole('status').filter({ hasText: 'disconnected' }).waitFor();
    expect(await page.getByRole('row').filter({ hasText: 'Insights' }).count()).toBe(0);
    expect((await refreshAt(world.server.url, insights.clientId, insights.secret, refreshToken)).body.error).toBe('invalid_grant');
    // the console itself carries on
    await page.goto(`${world.server.url}/console/o/acme/api-keys`);
    await page.getByRole('heading', { name: 'API keys' }).waitFor();
  });

  it('has no axe violations on any page, in a dialog, or signed out, and reads at 390 px wide', async () => {
    const page = await openPage('/console/o/acme/api-keys');
    const { record } = await world.server.gatehouse.apiKeys.create({ principal: 'operator', ip: null }, world.acme.id, { name: 'axe', permissions: ['audit:read'] });
    const keyId = record.id;
    await connectInsights();
    const found: string[] = [];
    const paths = ['/console/o/acme/api-keys', '/console/o/acme/api-keys/new', `/console/o/acme/api-keys/${keyId}`, `/console/o/acme/api-keys/${keyId}/revoke`,
      '/console/o/acme/roles', '/console/o/acme/roles/new', '/console/o/acme/oauth-apps', '/console/o/acme/oauth-apps/new',
      '/console/o/acme/connected-apps', `/console/o/acme/connected-apps/${insights.clientId}/disconnect`, '/console/o/acme/audit-log', '/console/o/acme/settings'];
    for (const width of [1280, 390]) {
      await page.setViewportSize({ width, height: 900 });
      for (const path of paths) {
        await page.goto(`${world.server.url}${path}`);
        // axe takes 1–2 s a page here: every page at full width, the list at 390 px as well
        if (width > 400 || path.endsWith('api-keys')) found.push(...await violations(page));
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        if (overflow > 0) {
          const wide = await page.evaluate((w: number) => [...document.querySelectorAll('body *')].filter((e: any) => e.getBoundingClientRect().right > w)
            .slice(0, 3).map((e: any) => `${e.tagName}.${e.className}`).join(', '), width);
          found.push(`${path} is ${overflow}px wider than ${width}px (${wide})`);
        }
      }
    }
    await page.goto(`${world.server.url}/console/o/acme/api-keys`);
    await page.getByRole('button', { name: 'Create API key' }).click();
    await page.getByRole('dialog').waitFor();
    found.push(...await violations(page));
    await page.goto(`${world.server.url}/console/o/acme/connected-apps`);
    await page.getByRole('button', { name: 'Disconnect Insights' }).click();
    await page.getByRole('dialog').waitFor();
    found.push(...await violations(page));
    const signedOut = await browser.newContext();
    const anon = await signedOut.newPage();
    for (const path of ['/console', '/console/signed-out', '/console/nowhere']) {
      await anon.goto(`${world.server.url}${path}`);
      found.push(...await violations(anon));
    }
    await signedOut.close();
    expect(found).toEqual([]);
  }, 120_000);
});
