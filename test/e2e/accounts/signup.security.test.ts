import { tokenDigest } from '../../../src/accounts/links.js';
import { newId } from '../../../src/domain/ids.js';
import { startTestServer, type RunningGatehouse } from '../../support/harness.js';
import { followLink, formNamed, linkIn, settle, signUp, startWithSmtp, stopWithSmtp, visibleText } from '../../support/accounts.js';
import type { SmtpSink } from '../../support/mail.js';
import { clientConfig, FormAgent, loginAndExchange, openInteraction, refreshAt, seedOAuth } from '../../support/oauth.js';

let server: RunningGatehouse;
let smtp: SmtpSink;
const budgets = (requests: number, mails: number) => ({
  selfSignup: true, displayName: 'Gatehouse', requestsPerIp: { limit: requests, windowSeconds: 900 }, mailsPerAddress: { limit: mails, windowSeconds: 3600 },
});

beforeAll(async () => ({ server, smtp } = await startWithSmtp({ accounts: budgets(1000, 3) })));
afterAll(() => stopWithSmtp(server, smtp));

const PASSWORD = 'a long sign-up passphrase';

describe('the sign-up page', () => {
  it('refuses a POST without the browser\'s CSRF cookie, or with another browser\'s token, and makes nothing', async () => {
    const page = await (await new FormAgent().request(`${server.url}/signup`)).text();
    const { fields } = formNamed(page);
    const form = { ...fields, email: 'csrf@example.com', password: PASSWORD, organization: 'Csrf Co' };
    expect((await new FormAgent().request(`${server.url}/signup`, { form })).status).toBe(403);
    const other = new FormAgent();
    await other.request(`${server.url}/signup`);
    expect((await other.request(`${server.url}/signup`, { form })).status).toBe(403);
    await settle(server.gatehouse);
    expect(await server.gatehouse.identity.users.getByEmail('csrf@example.com')).toBeNull();
  });

  it('names each bad field (announced, tied to its input) and never echoes the password', async () => {
    const res = await signUp(server.url, { email: 'not an email', password: 'short', organization: ' ' });
    expect(res.status).toBe(400);
    expect(res.html).toContain('<div id="form-error" class="alert" role="alert">Check the fields marked below.</div>');
    for (const field of ['email', 'password', 'organization']) {
      expect(res.html).toMatch(new RegExp(`id="${field}"[^>]*aria-invalid="true" aria-describedby="[^"]*${field}-error"`));
      expect(res.html).toMatch(new RegExp(`<p id="${field}-error" class="field-error">The [a-z ]+ must`));
    }
    expect(res.html).not.toContain('value="short"');
    expect(res.html).toContain('value="not an email"');
  });

  it('is a no-script page that cannot be framed nor cached', async () => {
    const res = await new FormAgent().request(`${server.url}/signup`);
    const html = await res.text();
    expect(html).not.toContain('<script');
    expect(res.headers.get('content-security-policy')).toMatch(/^default-src 'none'; style-src 'nonce-[^']+'; img-src 'self'; form-action 'self'; frame-ancestors 'none'/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('set-cookie')).toMatch(/^gh_csrf=[A-Za-z0-9_-]{43}; path=\/; samesite=strict; httponly$/);
  });

  it('is throttled per address (429 with Retry-After), and one address gets at most its mail budget', async () => {
    const limited = await startTestServer({ smtpUrl: smtp.url, accounts: budgets(2, 1) });
    try {
      const before = smtp.received.length;
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await signUp(limited.url, { email: 'flood@example.com', password: PASSWORD, organization: `Flood ${i}` })).status);
      expect(statuses).toEqual([200, 200, 429]);
      await settle(limited.gatehouse);
      expect(smtp.received.length - before).toBe(1);
      smtp.discard();
    } finally {
      await limited.stop();
    }
  });

  it('is closed with accounts.selfSignup off: 404, no link on the login page, nothing made', async () => {
    const closed = await startTestServer({ accounts: { ...budgets(100, 3), selfSignup: false } });
    try {
      expect((await new FormAgent().request(`${closed.url}/signup`)).status).toBe(404);
      const posted = await new FormAgent().request(`${closed.url}/signup`, { form: { email: 'x@example.com', password: PASSWORD, organization: 'X' } });
      expect(posted.status).toBe(404);
      const seeded = await seedOAuth(closed.gatehouse);
      const login = await openInteraction(new FormAgent(), closed.url, await clientConfig(closed.url, seeded.client.clientId, seeded.clientSecret));
      expect(login.html).not.toContain('/signup');
      expect(login.html).toContain('/password/forgot');
    } finally {
      await closed.stop();
    }
  });
});

describe('email verification', () => {
  async function signedUp(email: string) {
    await signUp(server.url, { email, password: PASSWORD, organization: `Org of ${email.split('@')[0]}` });
    return linkIn(await smtp.next(), '/verify-email');
  }

  it('is not done by opening the link (a mail scanner), only by its button; the link then works no more', async () => {
    const link = await signedUp('scanner@example.com');
    expect((await new FormAgent().request(link.href)).status).toBe(200);
    expect((await server.gatehouse.identity.users.getByEmail('scanner@example.com'))!.emailVerified).toBe(false);
    expect((await followLink(server.url, link)).status).toBe(200);
    const replay = await followLink(server.url, link);
    expect(replay.status).toBe(404);
    expect(visibleText(replay.html)).toContain('Link unavailable');
  });

  it('refuses an expired link and a POST whose CSRF token is not the link\'s', async () => {
    const link = await signedUp('late@example.com');
    const res = await new FormAgent().request(`${server.url}/verify-email`, { form: { token: link.searchParams.get('token')!, csrf: 'forged' } });
    expect(res.status).toBe(403);
    const user = (await server.gatehouse.identity.users.getByEmail('late@example.com'))!;
    const token = 'L'.repeat(43);
    await server.gatehouse.store.accountTokens.create({
      id: newId('tok'), kind: 'email_verification', userId: user.id, digest: tokenDigest(token), binding: null,
      createdAt: new Date(Date.now() - 25 * 3_600_000), expiresAt: new Date(Date.now() - 3_600_000), usedAt: null,
    });
    expect((await new FormAgent().request(`${server.url}/verify-email?token=${token}`)).status).toBe(404);
    expect((await server.gatehouse.identity.users.get(user.id))!.emailVerified).toBe(false);
  });

  it('is needed at the token endpoint too: a refresh for an account no longer verified fails', async () => {
    const seeded = await seedOAuth(server.gatehouse);
    const config = await clientConfig(server.url, seeded.client.clientId, seeded.clientSecret);
    const { tokens } = await loginAndExchange(config, new FormAgent(), server.url, seeded, { scope: 'openid offline_access', prompt: 'consent' });
    await server.gatehouse.store.users.update(seeded.user.id, { emailVerified: false });
    expect((await refreshAt(server.url, seeded.client.clientId, seeded.clientSecret!, tokens.refresh_token!)).body.error).toBe('invalid_grant');
  });
});
