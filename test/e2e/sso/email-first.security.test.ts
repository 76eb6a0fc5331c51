import { OPERATOR } from '../../../src/audit/actor.js';
import { formNamed, visibleText } from '../../support/accounts.js';
import { startTestServer, type RunningGatehouse } from '../../support/harness.js';
import { PASSWORD, REDIRECT_URI } from '../../support/oauth.js';
import { appAuthorization, Browserless, connectProvider, onwardOf, startIdentityProvider, type IdentityProvider } from '../../support/sso.js';

/*
 * The login page asks for the email first once some organization has connected a provider (before,
 * it is the one form of SPEC §3). The email step answers by domain only: an email without single
 * sign-on gets the password step whether or not it has an account; it takes the page's CSRF token.
 */
let idp: IdentityProvider;
let app: RunningGatehouse;
let client: { clientId: string; clientSecret: string };
let orgId: string;

beforeAll(async () => {
  idp = await startIdentityProvider();
  app = await startTestServer({ sso: { allowPrivateNetworks: true } });
  const gh = app.gatehouse;
  const acme = await gh.identity.organizations.create({ slug: 'acme' });
  orgId = acme.id;
  await gh.identity.users.create({ email: 'known@elsewhere.test', password: PASSWORD, organizationId: acme.id, roles: ['admin'] });
  const made = await gh.oauth.clients.create(OPERATOR, acme.id, { name: 'Acme Dashboard', redirect_uris: [REDIRECT_URI] });
  client = { clientId: made.client.clientId, clientSecret: made.client_secret! };
}, 60_000);
afterAll(async () => {
  await app?.stop();
  await idp?.stop();
});

async function loginPage(browser = new Browserless()) {
  const { url } = await appAuthorization(app.url, client);
  const start = await browser.request(url);
  const res = await browser.request(new URL(start.headers.get('location')!, app.url));
  return { html: await res.text(), browser };
}

async function emailStep(email: string, override: Record<string, string> = {}) {
  const { html, browser } = await loginPage();
  const form = formNamed(html);
  const res = await browser.request(new URL(form.action, app.url), { form: { ...form.fields, email, ...override } });
  return { status: res.status, html: await res.text() };
}

describe('the email-first login page', () => {
  it('is the one email-and-password form while no organization has a provider, and asks for the email first once one has', async () => {
    const before = (await loginPage()).html;
    expect(before).toMatch(/name="email"/);
    expect(before).toMatch(/name="password"/);
    expect(before).not.toMatch(/name="step"/);
    await connectProvider(app.gatehouse, orgId, idp, { domains: ['acme.test'] });
    const after = (await loginPage()).html;
    expect(after).toMatch(/<input type="hidden" name="step" value="email">/);
    expect(after).not.toMatch(/name="password"/);
    expect(visibleText(after)).toContain('Continue');
    // sign-in with a passkey stays on the first step
    expect(after).toMatch(/data-webauthn="authenticate"/);
  });

  it('answers an email without single sign-on the same, with an account or without: the password step', async () => {
    const known = await emailStep('known@elsewhere.test');
    const unknown = await emailStep('nobody@elsewhere.test');
    expect(known.status).toBe(200);
    expect(unknown.status).toBe(200);
    const strip = (html: string, email: string) => visibleText(html).replace(email, 'EMAIL');
    expect(strip(known.html, 'known@elsewhere.test')).toBe(strip(unknown.html, 'nobody@elsewhere.test'));
    // the same markup, bar attribute values (the interaction, the nonce, the email typed)
    const shape = (html: string) => html.replace(/="[^"]*"/g, '=""');
    expect(shape(known.html)).toBe(shape(unknown.html));
  });

  it('sends an email of a verified domain to its provider, whatever the case it is typed in', async () => {
    const res = await emailStep(' Ada@ACME.test ');
    expect(res.status).toBe(200);
    const to = new URL(onwardOf(res.html)!);
    expect(to.origin).toBe(idp.issuer);
    expect(to.searchParams.get('login_hint')).toBe('ada@acme.test');
  });

  it('asks again for something that is not an email, and refuses a form without the page\'s CSRF token', async () => {
    const bad = await emailStep('not an email');
    expect(bad.status).toBe(400);
    expect(visibleText(bad.html)).toContain('Enter your email address, such as ada@example.com.');
    expect(bad.html).toMatch(/name="step" value="email"/);
    const forged = await emailStep('ada@acme.test', { csrf: 'forged' });
    expect(forged.status).toBe(403);
    expect(onwardOf(forged.html)).toBeNull();
  });
});
