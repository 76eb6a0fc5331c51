/**
 * `npm run screenshots`: starts a Gatehouse with demo data on 127.0.0.1, drives the console in
 * Debian's Chromium and writes the README's pictures under docs/.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { generate } from 'otplib';
import { chromium } from 'playwright-core';
import { OPERATOR } from '../src/audit/actor.js';
import { loadConfig } from '../src/config/load.js';
import { newId } from '../src/domain/ids.js';
import { createGatehouse } from '../src/gatehouse.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const OUT = 'docs';
const PASSWORD = 'correct horse battery staple';
const DAY = 86_400_000;

async function main(): Promise<void> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  // a webhook receiver on loopback (allowed for this demo only), so the endpoint page shows real deliveries
  const hooks = createServer((req, res) => { req.resume(); req.on('end', () => { res.statusCode = 204; res.end(); }); });
  await new Promise<void>((resolve) => hooks.listen(0, '127.0.0.1', resolve));
  const hookUrl = `http://127.0.0.1:${(hooks.address() as AddressInfo).port}/gatehouse`;
  const config = loadConfig({
    env: { NODE_ENV: 'test' },
    overrides: {
      port, issuer: url, databaseUrl: 'sqlite::memory:', secret: randomBytes(32).toString('base64url'),
      dataDir: mkdtempSync(join(tmpdir(), 'gatehouse-screenshots-')), webhooks: { allowPrivateNetworks: true, pollIntervalMs: 50 },
      plans: { free: { maxActiveKeys: 10, rateLimit: { limit: 6000, windowSeconds: 60 }, monthlyUnits: 20_000 } }, defaultPlan: 'free',
    },
  });
  const gh = await createGatehouse(config);
  server.on('request', gh.app.callback());

  // the operator's platform API: its permissions are in every organization's vocabulary
  await gh.identity.resources.create(OPERATOR, null, { identifier: 'https://api.pipelines.example', name: 'Pipelines API', permissions: ['pipelines:read', 'pipelines:run'] });
  const org = await gh.identity.organizations.create({ slug: 'acme', name: 'Acme Inc' });
  const { user } = await gh.identity.users.create({ email: 'admin@acme.test', password: PASSWORD, organizationId: org.id, roles: ['admin'] });
  await gh.identity.roles.create(OPERATOR, org.id, { name: 'deployers', description: 'Run pipelines', permissions: ['pipelines:read', 'pipelines:run', 'api_keys:read'] });
  for (const [email, roles] of [['grace@acme.test', ['admin']], ['linus@acme.test', ['deployers']], ['ada@acme.test', ['member']], ['ken@acme.test', ['member', 'deployers']]] as const) {
    const created = await gh.identity.users.create({ email, password: PASSWORD, organizationId: org.id, roles: [...roles] });
    if (email === 'ken@acme.test') await gh.identity.members.update(OPERATOR, org.id, created.user.id, { disabled: true });
  }
  await gh.identity.invitations.create(OPERATOR, org.id, { email: 'margaret@acme.test', roles: ['deployers'] });
  const { endpoint } = await gh.webhooks.endpoints.create(OPERATOR, org.id, {
    url: hookUrl, events: ['api_key.created', 'api_key.revoked', 'member.joined'], description: 'Key inventory',
  });
  const make = (name: string, permissions: string[], extra: Record<string, unknown> = {}) =>
    gh.apiKeys.create(OPERATOR, org.id, { name, permissions, ...extra });
  const billing = await make('billing-worker', ['api_keys:read', 'audit:read'], { expiresInSeconds: 90 * 86_400, ipAllowlist: ['10.0.0.0/8'] });
  await make('reports-export', ['audit:read', 'users:read', 'roles:read', 'clients:read'], { environment: 'test' });
  const ci = await make('ci-deploy', ['api_keys:write', 'api_keys:read']);
  await gh.apiKeys.revoke(OPERATOR, org.id, ci.record.id);
  await make('build-runner', ['pipelines:run']);
  await gh.scim.tokens.create(OPERATOR, org.id, { name: 'Okta', permissions: ['users:read', 'users:write', 'roles:read', 'api_keys:read', 'audit:read'], expiresInSeconds: 365 * 86_400 });
  // the keys' events reach the receiver (four deliveries) before the endpoint's page is taken
  for (let i = 0; i < 100 && (await gh.webhooks.deliveries.list(OPERATOR, org.id, endpoint.id, { limit: 10 })).items.filter((d) => d.status === 'succeeded').length < 5; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  // thirty days of demo traffic for the per-key chart
  const today = Date.now();
  await gh.store.usage.record(Array.from({ length: 30 }, (_, i) => {
    const at = new Date(today - (29 - i) * DAY);
    const count = Math.round(400 + 300 * Math.sin(i / 3) + i * 25 + (i % 7 === 5 || i % 7 === 6 ? -250 : 0));
    return { keyId: billing.record.id, day: at.toISOString().slice(0, 10), count: Math.max(20, count), lastUsedAt: at };
  }));

  // and the last day of it hour by hour, by outcome, with units against the month's quota
  const hour = today - (today % 3_600_000);
  await gh.store.metering.record('screenshots-demo', Array.from({ length: 24 }, (_, i) => {
    const ok = Math.round(120 + 90 * Math.sin((i - 6) / 3.8) + (i % 5) * 11);
    return { organizationId: org.id, keyId: billing.record.id, hour: new Date(hour - (23 - i) * 3_600_000),
      ok, denied: i % 6 === 2 ? 14 : (i % 4), rateLimited: i === 15 ? 22 : i === 16 ? 9 : 0, units: ok * 3 };
  }));

  // two third-party apps acme's admin authorized (demo connections, as a consent page records them)
  const vendor = await gh.identity.organizations.create({ slug: 'insights-co', name: 'Insights Co' });
  for (const [name, permissions] of [['Insights', ['api_keys:read', 'audit:read']], ['Status board', []]] as const) {
    const { client } = await gh.oauth.clients.create(OPERATOR, vendor.id, { name, redirect_uris: ['https://app.example/callback'], multi_organization: true });
    const at = new Date(today - (name === 'Insights' ? 3 : 12) * DAY);
    await gh.store.appConnections.save({
      id: newId('con'), organizationId: org.id, clientId: client.clientId, userId: user.id, scopes: ['openid', 'email'],
      resources: permissions.length ? [{ indicator: `${url}/v1`, scopes: [...permissions] }] : [], createdAt: at, updatedAt: at,
    });
  }

  mkdirSync(OUT, { recursive: true });
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 760 }, deviceScaleFactor: 1 });
    await page.goto(`${url}/console`);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByLabel('Email').fill('admin@acme.test');
    await page.getByLabel('Password').fill(PASSWORD);
    await Promise.all([page.waitForURL(/\/console\/o\/acme\/api-keys/), page.getByRole('button', { name: 'Sign in', exact: true }).click()]);
    await page.screenshot({ path: `${OUT}/console-api-keys.png` });

    await page.getByRole('button', { name: 'Create API key' }).click();
    await page.getByLabel('Name').fill('invoice-sync');
    await page.getByRole('checkbox', { name: /api_keys:read/ }).check();
    await page.getByRole('checkbox', { name: /pipelines:run/ }).check();
    await page.getByLabel('IP allowlist').fill('10.0.0.0/8');
    await page.getByRole('dialog').locator('fieldset.permissions').screenshot({ path: `${OUT}/console-permission-picker.png` });
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    await page.getByLabel('New API key').waitFor();
    await page.screenshot({ path: `${OUT}/console-key-created.png` });

    await page.goto(`${url}/console/o/acme/api-keys/${billing.record.id}`);
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.screenshot({ path: `${OUT}/console-key-usage.png`, fullPage: true });

    await page.goto(`${url}/console/o/acme/usage?granularity=hour&key_id=${billing.record.id}`);
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.screenshot({ path: `${OUT}/console-usage.png`, fullPage: true });

    await page.goto(`${url}/console/o/acme/settings`);
    await page.screenshot({ path: `${OUT}/console-settings.png`, fullPage: true });

    await page.setViewportSize({ width: 1280, height: 620 });
    await page.goto(`${url}/console/o/acme/connected-apps`);
    await page.screenshot({ path: `${OUT}/console-connected-apps.png` });

    await page.setViewportSize({ width: 1280, height: 720 });
    await page.goto(`${url}/console/o/acme/members`);
    await page.screenshot({ path: `${OUT}/console-members.png` });

    await page.goto(`${url}/console/o/acme/webhooks/${endpoint.id}`);
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.screenshot({ path: `${OUT}/console-webhook.png`, fullPage: true });

    await page.setViewportSize({ width: 1280, height: 720 });
    await page.goto(`${url}/console/o/acme/scim`);
    await page.screenshot({ path: `${OUT}/console-scim.png` });

    // an authenticator app, set up after signing in (a second factor would be asked for at sign-in)
    const { factor, secret } = await gh.accounts.self.startTotp(user.id, PASSWORD, 'Phone', '127.0.0.1');
    await gh.accounts.self.confirmTotp(user.id, factor.id, await generate({ secret }), '127.0.0.1');
    await page.goto(`${url}/console/o/acme/security`);
    await page.screenshot({ path: `${OUT}/console-security.png`, fullPage: true });

    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${url}/console/o/acme/api-keys`);
    await page.screenshot({ path: `${OUT}/console-mobile.png` });
    process.stdout.write(`wrote ${OUT}/console-api-keys.png, console-key-created.png, console-key-usage.png, console-usage.png, console-settings.png, console-permission-picker.png, console-connected-apps.png, console-members.png, console-webhook.png, console-scim.png, console-security.png, console-mobile.png\n`);
  } finally {
    await browser.close();
    server.closeAllConnections();
    server.close();
    hooks.close();
    await gh.close();
  }
}

main().catch((err) => {
  process.stderr.write(`screenshots failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
