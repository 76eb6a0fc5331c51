import * as oidc from 'openid-client';
import { OPERATOR } from '../../../src/audit/actor.js';
import { startTestServer, type RunningGatehouse } from '../../support/harness.js';
import {
  answering, enrolApp, formNamed, personApi, postForm, signInWith, stepOf, totpCode, visibleText, walkAuthorization,
} from '../../support/accounts.js';
import { clientConfig, FormAgent, formOf, openInteraction, PASSWORD, REDIRECT_URI, seedOAuth, submitLoginForm } from '../../support/oauth.js';
import { userAccessToken } from '../../support/tokens.js';

let server: RunningGatehouse;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

/** A person with an authenticator app, and the page their password leads to. */
async function atSecondFactor() {
  const p = await seedOAuth(server.gatehouse);
  const config = await clientConfig(server.url, p.client.clientId, p.clientSecret);
  const api = personApi(server.url, await userAccessToken(server.url, p.client.clientId, p.clientSecret!, p, ['users:read']));
  const app = await enrolApp(api, p.password);
  const agent = new FormAgent();
  const login = await openInteraction(agent, server.url, config);
  const page = await submitLoginForm(agent, server.url, login.html, { email: p.email, password: p.password });
  expect(stepOf(page.html)).toBe('mfa');
  return { ...p, config, api, app, agent, page };
}

describe('the second factor at sign-in', () => {
  it('refuses a code used already within its time step (a replay), and a recovery code used already', async () => {
    const p = await atSecondFactor();
    const code = await totpCode(p.app.secret, 1);
    const first = await postForm(p.agent, server.url, p.page.html, { code });
    expect(first.status).toBe(303);
    const second = await signInWith(p.config, server.url, answering(p, { mfa: () => ({ fields: { code } }) })).catch((e: Error) => e);
    expect(String(second)).toContain('page 400 after login → mfa');
    expect(String(second)).toContain('That code is not right, or it was used already.');

    const recovery = p.app.recoveryCodes[0];
    await signInWith(p.config, server.url, answering(p, { mfa: () => ({ fields: { code: recovery } }) }));
    const reused = await signInWith(p.config, server.url, answering(p, { mfa: () => ({ fields: { code: recovery } }) })).catch((e: Error) => e);
    expect(String(reused)).toContain('That code is not right, or it was used already.');
  });

  it('takes codes from the login budget (the right password does not refill it): 429 past it', async () => {
    const p = await atSecondFactor();
    let page = p.page;
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await postForm(p.agent, server.url, page.html, { code: '000000' });
      statuses.push(res.status);
      if (res.status === 400) page = res;
    }
    // the password was attempt 1 of 5 on this account
    expect(statuses).toEqual([400, 400, 400, 400, 429]);
  });

  it('cannot be skipped: another interaction\'s pending sign-in, a later stage, or an edited token get "Sign-in expired"', async () => {
    const p = await atSecondFactor();
    const { fields } = formNamed(p.page.html, '/mfa');
    const base = formNamed(p.page.html, '/mfa').action.replace(/\/mfa$/, '');
    // straight to the end of an enrolment with the second-factor token
    const skipped = await p.agent.request(new URL(`${base}/continue`, server.url).href, { form: { csrf: fields.csrf, pending: fields.pending } });
    expect(skipped.status).toBe(400);
    expect(visibleText(await skipped.text())).toContain('Sign-in expired');
    // the token edited to name the enrolled stage
    const [body, mac] = fields.pending.split('.');
    const edited = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(body, 'base64url').toString()), stage: 'enrolled' })).toString('base64url');
    const forged = await p.agent.request(new URL(`${base}/continue`, server.url).href, { form: { csrf: fields.csrf, pending: `${edited}.${mac}` } });
    expect(forged.status).toBe(400);
    // the token of this interaction in another one
    const other = new FormAgent();
    const login = await openInteraction(other, server.url, p.config);
    const theirs = formOf(login.html);
    const moved = await other.request(new URL(theirs.action.replace(/\/login$/, '/mfa'), server.url).href,
      { form: { csrf: theirs.csrf, pending: fields.pending, code: await totpCode(p.app.secret, 1) } });
    expect(moved.status).toBe(400);
    expect(visibleText(await moved.text())).toContain('Sign-in expired');
    // and the interaction itself shows the password form again, not a session
    const again = await p.agent.request(new URL(base, server.url).href);
    expect(stepOf(await again.text())).toBe('login');
  });
});

describe('an organization that requires a second factor', () => {
  /** A person in `relaxed` (no requirement) and `strict` (requires one), without a factor, and a multi-organization app. */
  async function twoOrganizations() {
    const gh = server.gatehouse;
    const n = Math.random().toString(36).slice(2, 8);
    const [vendor, relaxed, strict] = await Promise.all(['vendor', 'relaxed', 'strict'].map((s) => gh.identity.organizations.create({ slug: `${s}-${n}` })));
    const email = `both-${n}@example.com`;
    const { user } = await gh.identity.users.create({ email, password: PASSWORD, organizationId: relaxed.id, roles: ['member'] });
    await gh.identity.members.add(strict.id, user.id, ['member']);
    const { client, client_secret } = await gh.oauth.clients.create(OPERATOR, vendor.id, {
      name: 'Everywhere', redirect_uris: [REDIRECT_URI], multi_organization: true, grant_types: ['authorization_code'],
    });
    const config = await clientConfig(server.url, client.clientId, client_secret);
    return { gh, relaxed, strict, user, email, config, who: { email, password: PASSWORD } };
  }

  it('asks a session that signed in with a password only to sign in again (and enrol) before an app acts for it', async () => {
    const t = await twoOrganizations();
    await t.gh.store.organizations.update(t.strict.id, { mfaRequired: true });
    const browser = new FormAgent();
    await signInWith(t.config, server.url, answering(t.who), { organization: t.relaxed.slug }, browser);
    const walked = await walkAuthorization(browser, server.url, oidc.buildAuthorizationUrl(t.config, {
      redirect_uri: REDIRECT_URI, scope: 'openid', organization: t.strict.slug,
      code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()), code_challenge_method: 'S256',
    }), (step, html) => {
      if (step === 'login') expect(visibleText(html)).toContain('This organization requires two-step verification. Sign in again to continue.');
      if (step === 'enrol-totp') throw new Error('enrolment reached');
      return answering(t.who)(step, html);
    }).catch((e: Error) => e);
    expect(String(walked)).toContain('enrolment reached');
  });

  it('is not avoided by the organization picker: a choice made after a password-only sign-in signs in again', async () => {
    const t = await twoOrganizations();
    const browser = new FormAgent();
    const login = await openInteraction(browser, server.url, t.config);
    const picker = await submitLoginForm(browser, server.url, login.html, t.who);
    expect(picker.status).toBe(303);
    let res = await browser.request(new URL(picker.headers.get('location')!, server.url).href);
    while (res.status === 303) res = await browser.request(new URL(res.headers.get('location')!, server.url).href);
    const pickerHtml = await res.text();
    expect(stepOf(pickerHtml)).toBe('organization');
    // the requirement comes in while the person is on the picker; they choose that organization
    await t.gh.store.organizations.update(t.strict.id, { mfaRequired: true });
    let next = await browser.request(new URL(formOf(pickerHtml).action, server.url).href, { form: { csrf: formOf(pickerHtml).csrf, organization: t.strict.id } });
    while (next.status === 303 && !next.headers.get('location')!.startsWith(REDIRECT_URI)) next = await browser.request(new URL(next.headers.get('location')!, server.url).href);
    expect(next.status).toBe(200);
    expect(stepOf(await next.text())).toBe('login');
  });

  it('is asked of a new session before the picker when any of the person\'s organizations requires it', async () => {
    const t = await twoOrganizations();
    await t.gh.store.organizations.update(t.strict.id, { mfaRequired: true });
    const steps: string[] = [];
    await walkAuthorization(new FormAgent(), server.url, oidc.buildAuthorizationUrl(t.config, {
      redirect_uri: REDIRECT_URI, scope: 'openid',
      code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()), code_challenge_method: 'S256',
    }), (step, html) => {
      steps.push(step);
      if (step === 'enrol-totp') throw new Error('enrolment reached');
      return answering(t.who)(step, html);
    }).catch(() => undefined);
    expect(steps).toEqual(['login', 'enrol-totp']);
  });

  it('holds in the device flow: the person enrols before the device gets anything', async () => {
    const t = await twoOrganizations();
    await t.gh.store.organizations.update(t.strict.id, { mfaRequired: true });
    const { client } = await t.gh.oauth.clients.create(OPERATOR, t.strict.id, {
      name: 'Strict CLI', public: true, grant_types: ['urn:ietf:params:oauth:grant-type:device_code'],
    });
    const config = await oidc.discovery(new URL(server.url), client.clientId, undefined, oidc.None(), { execute: [oidc.allowInsecureRequests] });
    const started = await oidc.initiateDeviceAuthorization(config, { scope: 'openid' });
    const agent = new FormAgent();
    const land = async (url: string, form?: Record<string, string>) => {
      let res = await agent.request(url, form ? { form } : undefined);
      while (res.status >= 300 && res.status < 400) res = await agent.request(new URL(res.headers.get('location')!, server.url).href);
      return res.text();
    };
    const hidden = (html: string) => Object.fromEntries([...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)].map(([, k, v]) => [k, v]));
    const action = (html: string) => /<form method="post" action="([^"]+)"/.exec(html)![1];
    const input = await land(started.verification_uri);
    const confirm = await land(new URL(action(input), server.url).href, { ...hidden(input), user_code: started.user_code });
    const login = await land(new URL(action(confirm), server.url).href, { ...hidden(confirm), confirm: 'yes' });
    const after = await land(new URL(formOf(login).action, server.url).href, { csrf: formOf(login).csrf, ...t.who });
    expect(stepOf(after)).toBe('enrol-totp');
    expect(after).not.toContain('Device connected');
  });
});
