import { startTestServer, type RunningGatehouse } from '../../support/harness.js';
import { answering, enrolApp, formNamed, personApi, signInWith, totpCode, visibleText } from '../../support/accounts.js';
import { clientConfig, seedOAuth } from '../../support/oauth.js';
import { userAccessToken } from '../../support/tokens.js';

let server: RunningGatehouse;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

async function person(options: Parameters<typeof seedOAuth>[1] = {}) {
  const seeded = await seedOAuth(server.gatehouse, options);
  const config = await clientConfig(server.url, seeded.client.clientId, seeded.clientSecret);
  return { ...seeded, config };
}

describe('two-step verification', () => {
  it('enrolled through /v1/me, is asked after the password; a code from the app signs in, with amr pwd, otp, mfa', async () => {
    const p = await person();
    const api = personApi(server.url, await userAccessToken(server.url, p.client.clientId, p.clientSecret!, p, ['users:read']));
    const { secret, recoveryCodes } = await enrolApp(api, p.password);
    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);
    recoveryCodes.forEach((c) => expect(c).toMatch(/^[0-9a-hjkmnp-tv-z]{5}-[0-9a-hjkmnp-tv-z]{5}$/));
    const me = await api('GET', '/me');
    expect(me.body).toMatchObject({ object: 'account', email: p.email, email_verified: true, mfa: { enabled: true, recovery_codes_remaining: 10 } });
    expect(me.body.mfa.factors).toEqual([expect.objectContaining({ object: 'factor', type: 'totp', name: 'Phone', status: 'active' })]);
    expect(JSON.stringify(me.body)).not.toContain(secret);

    const { tokens, steps, pages } = await signInWith(p.config, server.url, answering(p, {
      // the code of the next period: the enrolment's own code was spent
      mfa: async () => ({ fields: { code: await totpCode(secret, 1) } }),
    }));
    expect(steps).toEqual(['login', 'mfa', 'consent']);
    expect(visibleText(pages[1])).toContain('Code from your authenticator app, or a recovery code');
    expect(tokens.claims()!.amr).toEqual(['pwd', 'otp', 'mfa']);
  });

  it('takes a recovery code instead, once; the remaining count goes down', async () => {
    const p = await person();
    const api = personApi(server.url, await userAccessToken(server.url, p.client.clientId, p.clientSecret!, p, ['users:read']));
    const { recoveryCodes } = await enrolApp(api, p.password);
    const { tokens } = await signInWith(p.config, server.url, answering(p, { mfa: () => ({ fields: { code: recoveryCodes[3].toUpperCase() } }) }));
    expect(tokens.claims()!.amr).toContain('mfa');
    expect((await api('GET', '/me')).body.mfa.recovery_codes_remaining).toBe(9);
  });

  it('is set up at sign-in when the organization requires it: app, first code, recovery codes shown once, then on to the app', async () => {
    const p = await person();
    await server.gatehouse.store.organizations.update(p.org.id, { mfaRequired: true });
    let secret = '';
    let codes: string[] = [];
    const { tokens, steps, pages } = await signInWith(p.config, server.url, answering(p, {
      'enrol-totp': async (html) => {
        secret = /id="totp-secret">([A-Z2-7 ]+)</.exec(html)![1].replace(/ /g, '');
        expect(html).toMatch(/<svg role="img" aria-label="QR code for your authenticator app"/);
        expect(formNamed(html, '/enrol-passkey').fields).toHaveProperty('pending');
        return { fields: { code: await totpCode(secret) } };
      },
      continue: (html) => {
        codes = [...html.matchAll(/<li><code>([a-z0-9-]+)<\/code><\/li>/g)].map((m) => m[1]);
        return { fields: {} };
      },
    }));
    expect(steps).toEqual(['login', 'enrol-totp', 'continue', 'consent']);
    expect(visibleText(pages[1])).toContain('Your organization requires a second step');
    expect(codes).toHaveLength(10);
    expect(tokens.claims()!.amr).toEqual(['pwd', 'otp', 'mfa']);
    expect((await server.gatehouse.accounts.factors.confirmed(p.user.id)).map((f) => f.type)).toEqual(['totp']);
    // the next sign-in asks for the code, not for enrolment
    const next = await signInWith(p.config, server.url, answering(p, { mfa: async () => ({ fields: { code: await totpCode(secret, 1) } }) }));
    expect(next.steps).toEqual(['login', 'mfa']);
  });
});
