import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import AxeBuilder from '@axe-core/playwright';
import * as oidc from 'openid-client';
import type { Browser, Page } from 'playwright-core';
import { OPERATOR } from '../../../src/audit/actor.js';
import { startWithSmtp, stopWithSmtp } from '../../support/accounts.js';
import { chromiumAvailable, launchChromium } from '../../support/browser.js';
import type { RunningGatehouse } from '../../support/harness.js';
import type { SmtpSink } from '../../support/mail.js';
import { clientConfig } from '../../support/oauth.js';

/** An app's redirect target the browser can land on (a page that says "signed in"). */
export async function startCallback(host = '127.0.0.1'): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('<!DOCTYPE html><html lang="en"><title>callback</title><p>signed in</p></html>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://${host}:${(server.address() as AddressInfo).port}/callback`,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** A multi-organization app of a vendor, which anyone who signs up can sign in to (with its openid-client configuration). */
export async function vendorApp(server: RunningGatehouse, redirectUri: string) {
  const vendor = await server.gatehouse.identity.organizations.create({ slug: `vendor-${Date.now().toString(36)}`, name: 'Rocket Tools' });
  const { client, client_secret } = await server.gatehouse.oauth.clients.create(OPERATOR, vendor.id, {
    name: 'Rocket Console', redirect_uris: [redirectUri], multi_organization: true, grant_types: ['authorization_code'],
  });
  return clientConfig(server.url, client.clientId, client_secret);
}

/** An authorization request of the app, with what redeeming its code needs. */
export async function authorization(config: oidc.Configuration, redirectUri: string) {
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri, scope: 'openid email', state,
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
  });
  return {
    url: url.href,
    redeem: (callback: string) => oidc.authorizationCodeGrant(config, new URL(callback), { pkceCodeVerifier: verifier, expectedState: state }),
  };
}

/**
 * What axe-core finds wrong on the page (WCAG 2.1 A and AA), and whether it fits 390 px without
 * scrolling sideways; both recorded under `label`.
 */
export async function audit(page: Page, label: string, findings: string[]): Promise<void> {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  for (const v of result.violations) findings.push(`${label}: ${v.id} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
  const width = await page.evaluate('document.documentElement.scrollWidth') as number;
  if (width > 390) findings.push(`${label}: ${width} px wide at a 390 px viewport`);
}

/** What a browser test of the accounts pages works with, filled in before its first test. */
export interface BrowserSuite {
  server: RunningGatehouse;
  smtp: SmtpSink;
  callback: Awaited<ReturnType<typeof startCallback>>;
  browser: Browser;
}

/** A Gatehouse mailing to a real SMTP server, an app's callback page and Chromium, for the enclosing file. */
export function browserSuite(issuerHost?: 'localhost'): BrowserSuite {
  const suite = {} as BrowserSuite;
  beforeAll(async () => {
    if (!chromiumAvailable) return;
    Object.assign(suite, await startWithSmtp({}, { issuerHost }));
    suite.callback = await startCallback(issuerHost);
    suite.browser = await launchChromium();
  });
  afterAll(async () => {
    await suite.browser?.close();
    await suite.callback?.close();
    await stopWithSmtp(suite.server, suite.smtp);
  });
  return suite;
}
