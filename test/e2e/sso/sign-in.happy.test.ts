import { OPERATOR } from '../../../src/audit/actor.js';
import type { Organization } from '../../../src/store/ports.js';
import { startTestServer, type RunningGatehouse } from '../../support/harness.js';
import { followLink, linkIn, settle, submitPage } from '../../support/accounts.js';
import { outboxMails } from '../../support/mail.js';
import { FormAgent, PASSWORD, REDIRECT_URI } from '../../support/oauth.js';
import {
  answeringThroughProvider, Browserless, connectProvider, signInThroughProvider, startIdentityProvider, type IdentityProvider,
} from '../../support/sso.js';

let idp: IdentityProvider;
let app: RunningGatehouse;
let acme: Organization;
let client: { clientId: string; clientSecret: string };

beforeAll(async () => {
  idp = await startIdentityProvider();
  app = await startTestServer({ sso: { allowPrivateNetworks: true } });
  const gh = app.gatehouse;
  acme = await gh.identity.organizations.create({ slug: 'acme' });
  await gh.identity.users.create({ email: 'owner@acme.test', password: PASSWORD, organizationId: acme.id, roles: ['admin'] });
  const made = await gh.oauth.clients.create(OPERATOR, acme.id, { name: 'Acme Dashboard', redirect_uris: [REDIRECT_URI] });
  client = { clientId: made.client.clientId, clientSecret: made.client_secret! };
  await connectProvider(gh, acme.id, idp, { domains: ['acme.test'] });
}, 60_000);
afterAll(async () => {
  await app?.stop();
  await idp?.stop();
});

const host = (r: RunningGatehouse) => new URL(r.url).host;

describe('signing in through an organization\'s identity provider', () => {
  it('asks for the email first, sends an email of a verified domain to the provider, and makes the account on the way back', async () => {
    await idp.addPerson('ada@acme.test');
    const { tokens, trail } = await signInThroughProvider(app.url, client, answeringThroughProvider('ada@acme.test'));
    expect(trail).toEqual([
      `${host(app)}:login`, `${host(app)}:onward`, `${host(idp.server)}:login`, `${host(idp.server)}:consent`, `${host(app)}:onward`, `${host(app)}:consent`,
    ]);
    expect(tokens.claims()).toMatchObject({ email: 'ada@acme.test', email_verified: true, amr: ['fed'] });
    const gh = app.gatehouse;
    const user = (await gh.store.users.findByEmail('ada@acme.test'))!;
    expect(user).toMatchObject({ passwordHash: '', emailVerified: true, disabled: false });
    expect(await gh.store.memberships.find(acme.id, user.id)).toMatchObject({ roles: ['member'], disabled: false });
    // the member's permissions: every :read one, the management API's included
    expect(tokens.scope?.split(' ')).toContain('users:read');
    const audit = (await gh.audit.list(acme.id, { limit: 20 })).items;
    expect(audit.find((e) => e.action === 'sso.signed_in')).toMatchObject({
      actor: { type: 'user', id: user.id }, target: { type: 'user', id: user.id },
      metadata: { email: 'ada@acme.test', issuer: idp.issuer, created: true, joined: true, reclaimed: false },
    });
    expect(audit.find((e) => e.action === 'member.joined')).toMatchObject({ metadata: { roles: ['member'], via: 'sso' } });
  });

  it('signs the same account in again next time, and a later authorization rides the session', async () => {
    await idp.addPerson('grace@acme.test');
    const browser = new Browserless();
    const first = await signInThroughProvider(app.url, client, answeringThroughProvider('grace@acme.test'), browser);
    const second = await signInThroughProvider(app.url, client, answeringThroughProvider('grace@acme.test'), browser);
    expect(second.trail).toEqual([]);
    expect(second.tokens.claims()!.sub).toBe(first.tokens.claims()!.sub);
    const fresh = await signInThroughProvider(app.url, client, answeringThroughProvider('grace@acme.test'));
    expect(fresh.tokens.claims()!.sub).toBe(first.tokens.claims()!.sub);
    expect(fresh.trail).toContain(`${host(idp.server)}:login`);
  });

  it('gives other emails the password step, account or not, and signs them in with their password', async () => {
    const gh = app.gatehouse;
    await gh.identity.users.create({ email: 'bob@elsewhere.test', password: PASSWORD, organizationId: acme.id, roles: ['member'] });
    const { tokens, pages } = await signInThroughProvider(app.url, client, answeringThroughProvider('bob@elsewhere.test'));
    expect(pages.map((p) => p.step)).toEqual(['login', 'login', 'consent']);
    expect(pages[1].html).toMatch(/name="password"/);
    expect(pages[1].html).toMatch(/Use another email/);
    expect(tokens.claims()).toMatchObject({ email: 'bob@elsewhere.test', amr: ['pwd'] });
  });

  it('after the provider is disconnected, an account it made has no password until the person sets one with "Forgot password?"', async () => {
    const gh = app.gatehouse;
    await gh.sso.connections.delete(OPERATOR, acme.id);
    expect(await gh.identity.users.verifyPassword('ada@acme.test', '')).toBeNull();
    await submitPage(new FormAgent(), app.url, '/password/forgot', { email: 'ada@acme.test' });
    await settle(gh);
    const mail = (await outboxMails(gh.config.dataDir)).find((m) => m.text?.includes('/password/reset?token='))!;
    await followLink(app.url, linkIn(mail, '/password/reset'), { password: 'a brand new passphrase', confirm: 'a brand new passphrase' });
    const { tokens } = await signInThroughProvider(app.url, client, answeringThroughProvider('ada@acme.test', {
      login: () => ({ fields: { email: 'ada@acme.test', password: 'a brand new passphrase' } }),
    }));
    expect(tokens.claims()).toMatchObject({ email: 'ada@acme.test', amr: ['pwd'] });
  });
});
