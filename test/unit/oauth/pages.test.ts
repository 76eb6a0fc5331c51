import { describeScope } from '../../../src/oauth/interactions/descriptions.js';
import { escapeHtml, html } from '../../../src/oauth/interactions/html.js';
import { consentPage, errorPage, loginPage } from '../../../src/oauth/interactions/pages.js';

describe('html templates', () => {
  it('escapes every interpolation unless it is already markup', () => {
    expect(escapeHtml(`<a href="x" onclick='y'>&\``)).toBe('&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&#96;');
    const inner = html`<b>${'<i>'}</b>`;
    expect(html`<p>${inner}${'<script>'}</p>`.value).toBe('<p><b>&lt;i&gt;</b>&lt;script&gt;</p>');
  });

  it('renders the login page with labelled inputs, autocomplete, an alert region and a nonce-bound stylesheet only', () => {
    const page = loginPage({ action: '/interaction/abc/login', csrf: 'tok', clientName: '<Evil & Co>', error: 'Incorrect email or password.' });
    expect(page.html).toContain('<html lang="en">');
    expect(page.html).toContain('<form method="post" action="/interaction/abc/login"');
    expect(page.html).toMatch(/<label for="email">Email<\/label>\s*<input id="email" name="email" type="email" autocomplete="username"/);
    expect(page.html).toMatch(/<input id="password" name="password" type="password" autocomplete="current-password"/);
    expect(page.html).toContain('role="alert">Incorrect email or password.</div>');
    expect(page.html).toContain('aria-invalid="true"');
    expect(page.html).toContain('&lt;Evil &amp; Co&gt;');
    expect(page.html).not.toContain('<script');
    const nonce = /style-src 'nonce-([^']+)'/.exec(page.headers['Content-Security-Policy'])![1];
    expect(page.html).toContain(`<style nonce="${nonce}">`);
    expect(page.headers).toMatchObject({ 'X-Frame-Options': 'DENY', 'Cache-Control': 'no-store' });
    expect(page.headers['Content-Security-Policy']).toContain("frame-ancestors 'none'");
  });

  it('uses a fresh nonce per response and lets forms reach the client origin', () => {
    const a = loginPage({ action: '/a', csrf: 't', clientName: 'x', formAction: ['https://app.example.com'] });
    const b = loginPage({ action: '/a', csrf: 't', clientName: 'x' });
    expect(a.headers['Content-Security-Policy']).not.toBe(b.headers['Content-Security-Policy']);
    expect(a.headers['Content-Security-Policy']).toContain("form-action 'self' https://app.example.com;");
  });

  it('names the app, its owner and the organization it acts for, and lists permissions in words with the raw scope beside', () => {
    const page = consentPage({
      action: '/c', csrf: 't', clientName: 'App', accountEmail: 'a@b.c', ownerName: 'Tools & Co', organizationName: 'Beta <Inc>',
      scopes: ['openid', 'users:read', 'invoices:read'],
    });
    expect(page.html).toContain('<strong>App</strong>, an application of Tools &amp; Co, asks to act for you in\n<strong>Beta &lt;Inc&gt;</strong>');
    expect(page.html).toContain('View members and their roles<code>users:read</code>');
    expect(page.html).toContain('View invoices<code>invoices:read</code>');
    expect(page.html).toMatch(/<button type="submit" name="decision" value="allow"/);
  });

  it('renders error pages with the message in an alert', () => {
    const page = errorPage({ status: 400, title: 'Oops', message: 'bad <thing>' });
    expect(page.status).toBe(400);
    expect(page.html).toContain('role="alert">bad &lt;thing&gt;</div>');
  });
});

describe('describeScope', () => {
  it.each([
    ['openid', 'Sign you in with your Gatehouse account'],
    ['email', 'See your email address'],
    ['api_keys:write', 'Create, change and delete API keys'],
    ['audit:read', 'View the audit log'],
    ['widgets:frob', 'Frob widgets'],
    ['build_pipelines:run', 'Run build pipelines'],
    ['invoices:*', 'Do anything with invoices'],
    ['constructor:read', 'View constructor'],
    ['toString', 'toString'],
  ])('%s → %s', (scope, words) => {
    expect(describeScope(scope)).toBe(words);
  });
});
