import { startTestServer, type RunningGatehouse } from '../../support/harness.js';
import { answering, formNamed, passkeyAnswer, personApi, signInWith, stepOf, visibleText } from '../../support/accounts.js';
import { clientConfig, FormAgent, openInteraction, seedOAuth, submitLoginForm } from '../../support/oauth.js';
import { SoftwarePasskey } from '../../support/passkey-authenticator.js';
import { userAccessToken } from '../../support/tokens.js';
import * as oidc from 'openid-client';

let server: RunningGatehouse;

const generous = { selfSignup: true, displayName: 'Gatehouse', requestsPerIp: { limit: 1000, windowSeconds: 900 }, mailsPerAddress: { limit: 3, windowSeconds: 3600 } };

beforeAll(async () => {
  // every sign-in here comes from 127.0.0.1: the address budget is raised (its own test lowers it)
  server = await startTestServer({ accounts: generous });
});
afterAll(() => server.stop());

/** A person with a passkey registered through /v1/me. */
async function withPasskey() {
  const p = await seedOAuth(server.gatehouse);
  const config = await clientConfig(server.url, p.client.clientId, p.clientSecret);
  const api = personApi(server.url, await userAccessToken(server.url, p.client.clientId, p.clientSecret!, p, ['users:read']));
  const passkey = new SoftwarePasskey(server.url);
  const made = await api('POST', '/me/factors/passkeys/options', { current_password: p.password });
  const registered = await api('POST', '/me/factors/passkeys', { response: passkey.create(made.body.options), name: 'Laptop' });
  expect(registered.status).toBe(201);
  return { ...p, config, api, passkey, recoveryCodes: registered.body.recovery_codes as string[] };
}

/** Signs in from the login page with a passkey answer made by `sign`; @returns the page the passkey form led to. */
async function passkeyFromLoginPage(config: oidc.Configuration, sign: (options: any) => unknown, agent = new FormAgent()) {
  const login = await openInteraction(agent, server.url, config);
  const answer = await passkeyAnswer(agent, server.url, login.html, 'passkey', sign);
  const { action, fields } = formNamed(login.html, '/passkey');
  const res = await agent.request(new URL(action, server.url).href, { form: { ...fields, ...answer.fields } });
  return { status: res.status, html: res.status === 200 || res.status >= 400 ? await res.text() : '', response: answer.fields.response, agent, login };
}

describe('passkeys', () => {
  it('sign in without a password from the login page (amr hwk, mfa), which satisfies an organization requiring a second factor', async () => {
    const p = await withPasskey();
    await server.gatehouse.store.organizations.update(p.org.id, { mfaRequired: true });
    const agent = new FormAgent();
    const { tokens, steps } = await signInWith(p.config, server.url, answering(p, {
      login: (html) => passkeyAnswer(agent, server.url, html, 'passkey', (o) => p.passkey.get(o)),
    }), {}, agent);
    expect(steps).toEqual(['login', 'consent']);
    expect(tokens.claims()).toMatchObject({ sub: p.user.id, amr: ['hwk', 'mfa'] });
  });

  it('are the second factor after a password when the person has one', async () => {
    const p = await withPasskey();
    const agent = new FormAgent();
    const { tokens, steps } = await signInWith(p.config, server.url, answering(p, {
      mfa: (html) => passkeyAnswer(agent, server.url, html, 'passkey', (o) => p.passkey.get(o)),
    }), {}, agent);
    expect(steps).toEqual(['login', 'mfa', 'consent']);
    expect(tokens.claims()!.amr).toEqual(['pwd', 'hwk', 'mfa']);
  });

  it('refuse a replayed answer, and an answer to another interaction\'s challenge', async () => {
    const p = await withPasskey();
    const first = await passkeyFromLoginPage(p.config, (o) => p.passkey.get(o));
    expect(first.status).toBe(303);
    // the same answer posted to a new sign-in
    const agent = new FormAgent();
    const login = await openInteraction(agent, server.url, p.config);
    const { action, fields } = formNamed(login.html, '/passkey');
    const replay = await agent.request(new URL(action, server.url).href, { form: { ...fields, response: first.response } });
    expect(replay.status).toBe(400);
    expect(visibleText(await replay.text())).toContain('That passkey could not be used to sign in.');
    // a fresh challenge of interaction A, answered and posted to interaction B
    const a = new FormAgent();
    const loginA = await openInteraction(a, server.url, p.config);
    const answerA = await passkeyAnswer(a, server.url, loginA.html, 'passkey', (o) => p.passkey.get(o));
    const moved = await agent.request(new URL(action, server.url).href, { form: { ...fields, ...answerA.fields } });
    expect(moved.status).toBe(400);
  });

  it('refuse another person\'s passkey as the second factor of a sign-in', async () => {
    const alice = await withPasskey();
    const mallory = await withPasskey();
    const agent = new FormAgent();
    const login = await openInteraction(agent, server.url, alice.config);
    const mfa = await submitLoginForm(agent, server.url, login.html, { email: alice.email, password: alice.password });
    expect(stepOf(mfa.html)).toBe('mfa');
    // Alice's challenge, signed by Mallory's passkey
    const answer = await passkeyAnswer(agent, server.url, mfa.html, 'passkey', (o) => mallory.passkey.get(o));
    const { action, fields } = formNamed(mfa.html, '/passkey');
    const res = await agent.request(new URL(action, server.url).href, { form: { ...fields, ...answer.fields } });
    expect(res.status).toBe(400);
    expect(visibleText(await res.text())).toContain('That passkey could not be used');
  });

  it('refuse a cloned authenticator (its counter went back), a user handle that is not the passkey\'s person, no user verification, another origin', async () => {
    const p = await withPasskey();
    expect((await passkeyFromLoginPage(p.config, (o) => p.passkey.get(o, { counter: 10 }))).status).toBe(303);
    const cases: Array<[string, (o: any) => unknown]> = [
      ['counter back', (o) => p.passkey.get(o, { counter: 9 })],
      ['same counter', (o) => p.passkey.get(o, { counter: 10 })],
      ['user handle', (o) => p.passkey.get(o, { userHandle: Buffer.from('usr_someone_else').toString('base64url') })],
      ['presence without verification', (o) => p.passkey.get(o, { flags: 0x01 })],
      ['origin', (o) => p.passkey.get(o, { origin: 'https://evil.example' })],
    ];
    for (const [label, sign] of cases) {
      const res = await passkeyFromLoginPage(p.config, sign);
      expect([label, res.status]).toEqual([label, 400]);
    }
    expect((await passkeyFromLoginPage(p.config, (o) => p.passkey.get(o))).status).toBe(303);
  });

  it('sign nobody in whose account is disabled, or who is not a member of the app\'s organization', async () => {
    const p = await withPasskey();
    // someone else's passkey at an app of p's organization, which they do not belong to
    const stranger = await withPasskey();
    const refused = await passkeyFromLoginPage(p.config, (o) => stranger.passkey.get(o));
    expect(refused.status).toBe(403);
    expect(visibleText(refused.html)).toContain('This account does not belong to');
    await server.gatehouse.identity.users.update(p.user.id, { disabled: true });
    expect((await passkeyFromLoginPage(p.config, (o) => p.passkey.get(o))).status).toBe(400);
  });

  it('cannot be registered with a challenge made for another person, nor twice', async () => {
    const alice = await withPasskey();
    const bob = await withPasskey();
    const made = await alice.api('POST', '/me/factors/passkeys/options', { current_password: alice.password });
    const stolen = await bob.api('POST', '/me/factors/passkeys', { response: new SoftwarePasskey(server.url).create(made.body.options) });
    expect(stolen).toMatchObject({ status: 400, body: { code: 'invalid_passkey' } });
    const again = await alice.api('POST', '/me/factors/passkeys/options', { current_password: alice.password });
    expect(again.body.options.excludeCredentials).toEqual([expect.objectContaining({ id: alice.passkey.id })]);
    const twice = await alice.api('POST', '/me/factors/passkeys', { response: alice.passkey.create(again.body.options) });
    expect(twice).toMatchObject({ status: 409, body: { code: 'passkey_exists' } });
  });

  it('options are JSON for the script, refused without the interaction\'s CSRF token', async () => {
    const p = await withPasskey();
    const agent = new FormAgent();
    const login = await openInteraction(agent, server.url, p.config);
    const optionsUrl = /data-options="([^"]+)"/.exec(login.html)![1];
    const refused = await agent.request(new URL(optionsUrl, server.url).href, { form: { csrf: 'nope' } });
    expect(refused.status).toBe(403);
    const csrf = /name="csrf" value="([^"]+)"/.exec(login.html)![1];
    const res = await agent.request(new URL(optionsUrl, server.url).href, { form: { csrf } });
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = await res.json() as { options: Record<string, unknown> };
    expect(body.options).toMatchObject({ rpId: '127.0.0.1', userVerification: 'required', timeout: 300_000 });
    expect(body.options.allowCredentials).toBeUndefined();
  });

  it('are throttled per address: options and answers past the budget get 429', async () => {
    const limited = await startTestServer({ accounts: { ...generous, requestsPerIp: { limit: 3, windowSeconds: 900 } } });
    try {
      const p = await seedOAuth(limited.gatehouse);
      const config = await clientConfig(limited.url, p.client.clientId, p.clientSecret);
      const agent = new FormAgent();
      const login = await openInteraction(agent, limited.url, config);
      const optionsUrl = new URL(/data-options="([^"]+)"/.exec(login.html)![1], limited.url).href;
      const { fields } = formNamed(login.html, '/passkey');
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push((await agent.request(optionsUrl, { form: fields })).status);
      expect(statuses).toEqual([200, 200, 200, 429]);
      const answer = await agent.request(new URL(formNamed(login.html, '/passkey').action, limited.url).href, { form: { ...fields, response: '{}' } });
      expect(answer.status).toBe(429);
      expect(Number(answer.headers.get('retry-after'))).toBeGreaterThan(0);
    } finally {
      await limited.stop();
    }
  });
});
