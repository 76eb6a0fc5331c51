import { createServer } from 'node:http';
import express from 'express';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { OPERATOR } from '../../../src/audit/actor.js';
import { forExpress } from '../../../src/resource-server/index.js';
import { listen, type RunningExample } from '../../../examples/invoices.js';
import { adminContext, launchBrowser, openPage as openIn, startConsoleWorld, violations, type ConsoleWorld } from './fixture.js';

const PLANS = { free: { maxActiveKeys: 10, rateLimit: { limit: 6000, windowSeconds: 60 }, monthlyUnits: 1000 } };

let world: ConsoleWorld;
let browser: Browser;
let admin: BrowserContext;
/** a protected API beside Gatehouse: `/reports` costs 2 units, `/admin` needs a permission the test key lacks */
let api: RunningExample;

beforeAll(async () => {
  [world, browser] = await Promise.all([startConsoleWorld({ plans: PLANS, defaultPlan: 'free', apiKeys: { prefix: 'acme' } }), launchBrowser()]);
  const gate = forExpress(world.server.gatehouse.resourceServer);
  const app = express();
  app.get('/reports', gate.authenticate({ cost: 2 }) as express.RequestHandler, (_req, res) => { res.json({ ok: true }); });
  app.get('/admin', gate.authenticate() as express.RequestHandler, gate.requirePermissions('admin:all') as express.RequestHandler, (_req, res) => { res.json({ ok: true }); });
  api = await listen(createServer(app));
  admin = await adminContext(browser, world);
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await api?.close();
  await world?.server.stop();
});

const openPage = (path: string) => openIn(admin, world.server.url, path);
const call = (path: string, key: string) => fetch(`${api.url}${path}`, { headers: { 'X-API-Key': key } }).then((r) => r.status);
const apiGet = async (path: string) => {
  const { key } = await world.server.gatehouse.apiKeys.create(OPERATOR, world.acme.id, { name: 'reader', permissions: ['organizations:read', 'api_keys:read'] });
  const res = await fetch(`${world.server.url}/v1/organizations/acme${path}`, { headers: { 'X-API-Key': key } });
  return res.json() as Promise<Record<string, unknown>>;
};

/** The rows of a chart's table (opened), each as its cells' text. */
async function tableOf(page: Page, summary: string): Promise<string[][]> {
  const details = page.locator('details', { has: page.getByText(summary) });
  await details.locator('summary').click();
  return details.locator('tbody tr').evaluateAll((rows) => rows.map((r) => Array.from((r as unknown as { children: Array<{ textContent: string }> }).children, (c) => c.textContent.trim())));
}

describe('usage, key status and metadata, and organization settings in the console', () => {
  it("shows a key's traffic on the usage page, by outcome and units, with the same numbers as the API, against the quota", async () => {
    const { record, key } = await world.server.gatehouse.apiKeys.create(OPERATOR, world.acme.id, { name: 'report-runner', permissions: ['organizations:read'] });
    expect([await call('/reports', key), await call('/reports', key), await call('/reports', key), await call('/admin', key)]).toEqual([200, 200, 200, 403]);

    const page = await openPage('/console/o/acme/usage');
    await page.getByLabel('Group by').selectOption('hour');
    await page.getByLabel('API key').selectOption({ label: 'report-runner (active)' });
    await Promise.all([page.waitForURL(/granularity=hour/), page.getByRole('button', { name: 'Show' }).click()]);
    await page.getByRole('heading', { name: 'Usage of key report-runner' }).waitFor();
    const api = (await apiGet(`/usage?granularity=hour&key_id=${record.id}`)).data as Array<{ start: string; requests: Record<string, number>; units: number }>;
    const requests = await tableOf(page, 'Show the numbers: Requests per hour');
    const units = await tableOf(page, 'Show the numbers: Units per hour');
    expect(requests).toHaveLength(api.length);
    expect(requests.map((r) => r.slice(1).map(Number))).toEqual(api.map((p) => [p.requests.ok, p.requests.denied, p.requests.rate_limited, p.requests.ok + p.requests.denied + p.requests.rate_limited]));
    expect(units.map((r) => Number(r[1]))).toEqual(api.map((p) => p.units));
    expect(requests.map((r) => r[0])).toEqual(api.map((p) => `${p.start.slice(0, 10)} ${p.start.slice(11, 16)} UTC`));
    expect(api.at(-1)).toMatchObject({ requests: { ok: 3, denied: 1, rate_limited: 0 }, units: 6 });
    expect(await page.getByRole('img', { name: /Requests per hour by outcome, key report-runner: 3 ok, 1 denied, 0 rate limited/ }).count()).toBe(1);

    const quota = (await apiGet('')).quota as { used: number; units: number };
    expect(quota.units).toBe(1000);
    expect(await page.getByRole('meter', { name: 'Units used this month (free plan)' }).getAttribute('value')).toBe(String(quota.used));
    expect(await page.getByText(`of 1,000 units`).count()).toBe(1);
    expect(await violations(page)).toEqual([]);
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate(() => (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    expect(await violations(page)).toEqual([]);
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('creates a key with metadata (bad JSON refused in the form), shows it with the configured prefix, and disables and enables it', async () => {
    const page = await openPage('/console/o/acme/api-keys');
    await page.getByRole('button', { name: 'Create API key' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create API key' });
    await dialog.getByLabel('Name').fill('tagged-worker');
    await dialog.getByRole('checkbox', { name: /organizations:read/ }).check();
    await dialog.getByLabel('Metadata').fill('{"team": "billing",');
    await dialog.getByRole('button', { name: 'Create', exact: true }).click();
    await dialog.getByRole('alert').waitFor();
    expect(await dialog.locator('#key-metadata-error').textContent()).toContain('is not valid JSON');
    expect(await dialog.getByLabel('Metadata').getAttribute('aria-invalid')).toBe('true');
    expect(await violations(page)).toEqual([]);
    // the API's own bounds: a key outside A-Z a-z 0-9 _ : - is refused, named
    await dialog.getByLabel('Metadata').fill('{"team name": "billing"}');
    await dialog.getByRole('button', { name: 'Create', exact: true }).click();
    await dialog.locator('#key-metadata-error').waitFor();
    expect(await dialog.locator('#key-metadata-error').textContent()).toMatch(/\S/);
    await dialog.getByLabel('Metadata').fill('{"team": "billing", "tier": 2, "beta": true}');
    await dialog.getByRole('button', { name: 'Create', exact: true }).click();
    const key = await page.getByLabel('New API key').inputValue();
    expect(key).toMatch(/^acme_live_/);
    expect(await call('/reports', key)).toBe(200);

    await Promise.all([page.waitForEvent('load'), page.keyboard.press('Escape')]);
    const row = page.getByRole('row').filter({ hasText: 'tagged-worker' });
    expect(await row.getByRole('code').filter({ hasText: `acme_live_${key.slice(10, 16)}` }).count()).toBe(1);
    await Promise.all([page.waitForURL(/done=disabled/), row.getByRole('button', { name: 'Disable tagged-worker' }).click()]);
    await page.getByRole('status').filter({ hasText: 'disabled' }).waitFor();
    expect(await row.getByText('disabled', { exact: true }).count()).toBe(1);
    expect(await call('/reports', key)).toBe(401);
    expect(await violations(page)).toEqual([]);

    await Promise.all([page.waitForEvent('load'), row.getByRole('link', { name: 'tagged-worker' }).click()]);
    const facts = page.locator('dl.facts');
    expect(await facts.getByRole('row', { name: 'team "billing"' }).count()).toBe(1);
    expect(await facts.getByRole('row', { name: 'tier 2' }).count()).toBe(1);
    expect(await facts.getByRole('row', { name: 'beta true' }).count()).toBe(1);
    expect(await page.getByRole('button', { name: 'Rotate' }).count()).toBe(0);
    expect(await violations(page)).toEqual([]);
    await Promise.all([page.waitForURL(/done=enabled/), page.getByRole('button', { name: 'Enable' }).click()]);
    await page.getByRole('status').filter({ hasText: 'enabled' }).waitFor();
    expect(await call('/reports', key)).toBe(200);
  });

  it('shows the plan and quota, and changes the key lifetime, rotation reminder and leaked-key policy, showing the API\'s refusal at the field', async () => {
    const page = await openPage('/console/o/acme/settings');
    expect(await page.getByRole('meter', { name: 'Units used this month (free plan)' }).count()).toBe(1);
    await page.getByLabel('Longest key lifetime').fill('forever');
    await page.getByRole('button', { name: 'Save key policy' }).click();
    await page.getByRole('alert').waitFor();
    expect(await page.getByLabel('Longest key lifetime').getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByLabel('Longest key lifetime').inputValue()).toBe('forever');
    expect(await violations(page)).toEqual([]);

    await page.getByLabel('Longest key lifetime').fill('30d');
    await page.getByLabel('Rotation reminder (days)').fill('45');
    await Promise.all([page.waitForURL(/done=key_policy/), page.getByRole('button', { name: 'Save key policy' }).click()]);
    await page.getByRole('status').filter({ hasText: 'API-key policy was saved' }).waitFor();
    expect(await page.getByLabel('Longest key lifetime').inputValue()).toBe('30d');
    await page.getByLabel('Only report it').check();
    await Promise.all([page.waitForURL(/done=leak_policy/), page.getByRole('button', { name: 'Save leaked-key policy' }).click()]);
    const org = await apiGet('');
    expect(org).toMatchObject({ max_key_lifetime: '30d', key_rotation_reminder_days: 45, leaked_key_policy: 'notify' });
    expect(await page.getByLabel('Only report it').isChecked()).toBe(true);
    expect(await violations(page)).toEqual([]);
  });

  it('shows the API\'s refusal of a bad range at the picker, as a 400 page', async () => {
    const page = await openPage('/console/o/acme/usage?granularity=hour&from=2020-01-01&to=2020-12-31');
    await page.getByRole('alert').waitFor();
    expect(await page.getByLabel('From (UTC)').getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#usage-from-error').textContent()).toContain('at most 31 days');
  });
});
