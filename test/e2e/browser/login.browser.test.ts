import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as oidc from 'openid-client';
import type { Browser } from 'playwright-core';
import { startTestServer, type RunningGatehouse } from '../../support/harness.js';
import { chromiumAvailable as available, describeBrowser, launchChromium } from '../../support/browser.js';
import { clientConfig, PASSWORD, seedOAuth } from '../../support/oauth.js';


let server: RunningGatehouse;
let callback: Server;
let callbackUrl: string;
let browser: Browser;

beforeAll(async () => {
  if (!available) return;
  server = await startTestServer();
  callback = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('<!DOCTYPE html><title>callback</title><p>signed in</p>');
  });
  await new Promise<void>((resolve) => callback.listen(0, '127.0.0.1', resolve));
  callbackUrl = `http://127.0.0.1:${(callback.address() as AddressInfo).port}/callback`;
  browser = await launchChromium();
});

afterAll(async () => {
  if (!available) return;
  await browser?.close();
  callback?.closeAllConnections();
  await new Promise<void>((resolve) => (callback ? callback.close(() => resolve()) : resolve()));
  await server?.stop();
});

describeBrowser('signing in with a real browser', () => {
  it('goes through the login and consent pages and reaches the redirect_uri with a code that redeems', async () => {
    const seeded = await seedOAuth(server.gatehouse, { client: { redirect_uris: [callbackUrl] } });
    const config = await clientConfig(server.url, seeded.client.clientId, seeded.clientSecret);
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const authUrl = oidc.buildAuthorizationUrl(config, {
      redirect_uri: callbackUrl, scope: 'openid email users:read api_keys:write', state,
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
    });

    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    const cspViolations: string[] = [];
    page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text()); });

    await page.goto(authUrl.href);
    await page.getByLabel('Email').waitFor();
    await page.screenshot({ path: '/tmp/gatehouse-login.png', fullPage: true });

    await page.getByLabel('Email').fill(seeded.email);
    await page.getByLabel('Password').fill('wrong password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toBe('Incorrect email or password.');
    await page.screenshot({ path: '/tmp/gatehouse-login-error.png', fullPage: true });

    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Allow' }).waitFor();
    expect(await page.textContent('main')).toContain('Create, change and delete API keys');
    await page.screenshot({ path: '/tmp/gatehouse-consent.png', fullPage: true });

    await Promise.all([page.waitForURL((u) => u.href.startsWith(callbackUrl)), page.getByRole('button', { name: 'Allow' }).click()]);
    const landed = new URL(page.url());
    expect(landed.searchParams.get('code')).toBeTruthy();
    expect(landed.searchParams.get('state')).toBe(state);
    expect(cspViolations).toEqual([]);

    const tokens = await oidc.authorizationCodeGrant(config, landed, { pkceCodeVerifier: verifier, expectedState: state });
    expect(tokens.scope?.split(' ')).toEqual(expect.arrayContaining(['users:read', 'api_keys:write']));
    await context.close();
  });
});
