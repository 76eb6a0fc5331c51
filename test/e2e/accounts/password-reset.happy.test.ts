import * as oidc from 'openid-client';
import type { RunningGatehouse } from '../../support/harness.js';
import { followLink, linkIn, startWithSmtp, stopWithSmtp, submitPage, visibleText } from '../../support/accounts.js';
import type { SmtpSink } from '../../support/mail.js';
import { clientConfig, FormAgent, loginAndExchange, openInteraction, refreshAt, seedOAuth, submitLoginForm } from '../../support/oauth.js';

let server: RunningGatehouse;
let smtp: SmtpSink;

beforeAll(async () => ({ server, smtp } = await startWithSmtp()));
afterAll(() => stopWithSmtp(server, smtp));

describe('"Forgot password?"', () => {
  it('mails a 30-minute link; the new password ends every session and refresh token (openid-client), and the old password stops working', async () => {
    const seeded = await seedOAuth(server.gatehouse);
    const config = await clientConfig(server.url, seeded.client.clientId, seeded.clientSecret);
    const browser = new FormAgent();
    const { tokens } = await loginAndExchange(config, browser, server.url, seeded, { scope: 'openid email offline_access', prompt: 'consent' });
    expect(tokens.refresh_token).toBeTruthy();

    // the login page links to it
    const login = await openInteraction(new FormAgent(), server.url, config);
    expect(login.html).toMatch(/<a href="\/password\/forgot\?interaction=[A-Za-z0-9_-]+">Forgot password\?<\/a>/);

    const asked = await submitPage(new FormAgent(), server.url, '/password/forgot', { email: seeded.email.toUpperCase() });
    expect(asked.status).toBe(200);
    expect(visibleText(asked.html)).toContain(`If an account uses ${seeded.email}, we sent it a link`);
    const mail = await smtp.next();
    expect(mail.subject).toBe(`Reset your password for ${seeded.org.name}`);
    expect(mail.text).toMatch(/works once, for 30 minutes \(until \d{4}-\d\d-\d\d \d\d:\d\d UTC\)/);
    const link = linkIn(mail, '/password/reset');

    const done = await followLink(server.url, link, { password: 'a brand new passphrase', confirm: 'a brand new passphrase' });
    expect(done.status).toBe(200);
    expect(visibleText(done.html)).toContain('signed out everywhere');
    const notice = await smtp.next();
    expect(notice.subject).toMatch(/^Your sign-in settings changed/);
    expect(notice.text).toContain('Your password was reset');

    // the refresh token from before fails, with openid-client as with a raw request
    await expect(oidc.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    expect((await refreshAt(server.url, seeded.client.clientId, seeded.clientSecret!, tokens.refresh_token!)).body.error).toBe('invalid_grant');
    // the browser's session ended: the next authorization asks for a login again
    const again = await openInteraction(browser, server.url, config);
    expect(again.html).toContain('name="password"');
    const old = await submitLoginForm(browser, server.url, again.html, { email: seeded.email, password: seeded.password });
    expect(visibleText(old.html)).toContain('Incorrect email or password.');
    const fresh = await loginAndExchange(config, new FormAgent(), server.url, { email: seeded.email, password: 'a brand new passphrase' });
    expect(fresh.tokens.access_token).toBeTruthy();
  });
});
