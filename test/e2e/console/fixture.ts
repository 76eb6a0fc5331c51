import { existsSync } from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { Organization } from '../../../src/store/ports.js';
import { startTestServer, type RunningGatehouse } from '../../support/harness.js';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const PASSWORD = 'correct horse battery staple';

/** Launches Debian's Chromium; a missing browser fails the suite (never a silent skip). */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`chromium not found at ${CHROMIUM}; install it (apt-get install -y chromium) or set CHROMIUM_PATH`);
  return chromium.launch({
    executablePath: CHROMIUM, headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export interface ConsoleWorld {
  server: RunningGatehouse;
  acme: Organization;
  beta: Organization;
  /** admin of acme and of beta */
  admin: string;
  /** member of acme (built-in `member`: every :read, no :write) */
  member: string;
}

/**
 * A real server (configuration `overrides`; `issuerHost: 'localhost'` for passkeys) with two
 * organizations: an admin in both, a read-only member in acme.
 */
export async function startConsoleWorld(overrides: Record<string, unknown> = {}, options: { issuerHost?: 'localhost' } = {}): Promise<ConsoleWorld> {
  const server = await startTestServer(overrides, options);
  const { identity } = server.gatehouse;
  const acme = await identity.organizations.create({ slug: 'acme', name: 'Acme Inc' });
  const beta = await identity.organizations.create({ slug: 'beta', name: 'Beta Labs' });
  const admin = 'admin@acme.test';
  const { user } = await identity.users.create({ email: admin, password: PASSWORD, organizationId: acme.id, roles: ['admin'] });
  await identity.members.add(beta.id, user.id, ['admin']);
  const member = 'member@acme.test';
  await identity.users.create({ email: member, password: PASSWORD, organizationId: acme.id, roles: ['member'] });
  return { server, acme, beta, admin, member };
}

/**
 * Signs in from the console's landing page through Gatehouse's login page and, for a person in
 * several organizations, its picker (`pick`: the organization's name); lands on that
 * organization's first page.
 */
export async function signIn(page: Page, base: string, email: string, pick?: string): Promise<void> {
  await page.goto(`${base}/console`);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  if (pick) {
    await page.getByRole('heading', { name: 'Choose an organization' }).waitFor();
    await page.getByLabel(pick).check();
    await page.getByRole('button', { name: 'Continue' }).click();
  }
  await page.waitForURL(/\/console\/o\/[a-z0-9-]+\//);
}

/** A browser context (clipboard allowed) signed in as the world's admin, acting for acme (picked on Gatehouse's picker). */
export async function adminContext(browser: Browser, world: ConsoleWorld): Promise<BrowserContext> {
  const context = await browser.newContext({ permissions: ['clipboard-read', 'clipboard-write'] });
  context.setDefaultTimeout(8000);
  await signIn(await context.newPage(), world.server.url, world.admin, 'Acme Inc');
  return context;
}

/** The context's first tab, at a console path. */
export async function openPage(context: BrowserContext, base: string, path: string): Promise<Page> {
  const page = context.pages()[0];
  await page.goto(`${base}${path}`);
  return page;
}

/** axe-core's violations on the page as it is, one line each. */
export async function violations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).analyze();
  return result.violations.map((v) => `${page.url()} ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}
