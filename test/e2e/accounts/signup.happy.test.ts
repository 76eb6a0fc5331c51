import * as oidc from 'openid-client';
import { OPERATOR } from '../../../src/audit/actor.js';
import type { RunningGatehouse } from '../../support/harness.js';
import { followLink, linkIn, postForm, signUp, startWithSmtp, stopWithSmtp, visibleText } from '../../support/accounts.js';
import type { SmtpSink } from '../../support/mail.js';
import { clientConfig, FormAgent, loginAndExchange, openInteraction, REDIRECT_URI, submitLoginForm } from '../../support/oauth.js';

let server: RunningGatehouse;
let smtp: SmtpSink;

beforeAll(async () => ({ server, smtp } = await startWithSmtp()));
afterAll(() => stopWithSmtp(server, smtp));

const PASSWORD = 'a long sign-up passphrase';

/** An app of the organization, registered by the operator, to sign in to. */
async function appOf(organizationId: string) {
  const { client, client_secret } = await server.gatehouse.oauth.clients.create(OPERATOR, organizationId, {
    name: 'Rocket Console', redirect_uris: [REDIRECT_URI], grant_types: ['authorization_code', 'refresh_token'],
  });
  return clientConfig(server.url, client.clientId, client_secret);
}

describe('signing up', () => {
  it('makes an organization with the person as admin; the mailed link verifies the email, and only then does sign-in work, email_verified true', async () => {
    const email = 'founder@rockets.example';
    const page = await signUp(server.url, { email, password: PASSWORD, organization: 'Acme Rockets' });
    expect(page.status).toBe(200);
    expect(visibleText(page.html)).toContain(`We sent a message to ${email}`);

    const mail = await smtp.next();
    expect(mail.subject).toBe('Confirm your email address for Acme Rockets');
    expect(mail.text).toContain('Acme Rockets');
    expect(mail.text).toMatch(/works once, for 24 hours/);
    expect(mail.html).toBeTruthy();
    const link = linkIn(mail, '/verify-email');

    const user = (await server.gatehouse.identity.users.getByEmail(email))!;
    expect(user.emailVerified).toBe(false);
    const [membership] = await server.gatehouse.store.memberships.listByUser(user.id);
    expect(membership.roles).toEqual(['admin']);
    const org = (await server.gatehouse.store.organizations.findById(membership.organizationId))!;
    expect(org).toMatchObject({ name: 'Acme Rockets', slug: 'acme-rockets', mfaRequired: false });

    // before verification: the right password leads to a page that says so, never to the app
    const config = await appOf(org.id);
    const agent = new FormAgent();
    const login = await openInteraction(agent, server.url, config);
    const refused = await submitLoginForm(agent, server.url, login.html, { email, password: PASSWORD });
    expect(refused.status).toBe(403);
    expect(visibleText(refused.html)).toContain('Confirm your email first');

    // the page offers the link again; the new link replaces the first
    const resent = await postForm(agent, server.url, refused.html, {}, '/resend');
    expect(resent.status).toBe(200);
    const second = linkIn(await smtp.next(), '/verify-email');
    expect(second.href).not.toBe(link.href);
    expect((await followLink(server.url, link)).status).toBe(404);

    const confirmed = await followLink(server.url, second);
    expect(confirmed.status).toBe(200);
    expect(visibleText(confirmed.html)).toContain(`${email} is confirmed`);
    expect((await server.gatehouse.identity.users.get(user.id))!.emailVerified).toBe(true);

    const { tokens } = await loginAndExchange(config, new FormAgent(), server.url, { email, password: PASSWORD }, { scope: 'openid email' });
    expect(tokens.claims()).toMatchObject({ sub: user.id, email, email_verified: true });
    const info = await oidc.fetchUserInfo(config, tokens.access_token, user.id);
    expect(info).toMatchObject({ email, email_verified: true });
  });

  it('answers an email that has an account with the same page, and mails it a pointer to sign in or reset instead of a second account', async () => {
    const first = await signUp(server.url, { email: 'taken@rockets.example', password: PASSWORD, organization: 'First Co' });
    await smtp.next();
    const again = await signUp(server.url, { email: 'taken@rockets.example', password: 'another passphrase', organization: 'Second Co' });
    expect(visibleText(again.html)).toBe(visibleText(first.html));
    const mail = await smtp.next();
    expect(mail.subject).toMatch(/^You already have an account on /);
    expect(mail.text).toContain('First Co');
    expect(linkIn(mail, '/password/forgot').pathname).toBe('/password/forgot');
    expect((await server.gatehouse.store.organizations.findBySlug('second-co'))).toBeNull();
  });

  it('requires a second factor of the new organization\'s members when the box is ticked', async () => {
    await signUp(server.url, { email: 'careful@rockets.example', password: PASSWORD, organization: 'Careful Ltd', requireMfa: true });
    await smtp.next();
    expect(await server.gatehouse.store.organizations.findBySlug('careful-ltd')).toMatchObject({ mfaRequired: true });
  });
});
