import { OPERATOR } from '../../../src/audit/actor.js';
import type { Organization } from '../../../src/store/ports.js';
import { enrolApp, personApi, totpCode, type PageAnswer } from '../../support/accounts.js';
import { startTestServer, type RunningGatehouse } from '../../support/harness.js';
import { PASSWORD, REDIRECT_URI } from '../../support/oauth.js';
import {
  answeringThroughProvider, connectProvider, signInThroughProvider, startIdentityProvider, type IdentityProvider, type WalkedPage,
} from '../../support/sso.js';
import { userAccessToken } from '../../support/tokens.js';

/*
 * Second factors around single sign-on: the provider's own second factor (its `amr` says `mfa`)
 * satisfies an organization that requires one, for a person with no factor here; a person with a
 * factor of their own here is asked for it whatever the provider did; without either, a member of
 * an organization requiring one enrols.
 */
let idp: IdentityProvider;
let app: RunningGatehouse;
let acme: Organization;
let client: { clientId: string; clientSecret: string };
/** grace@acme.test's own authenticator app at the app's Gatehouse */
let gracesOwn: string;
const generous = { selfSignup: true, displayName: 'Gatehouse', requestsPerIp: { limit: 1000, windowSeconds: 900 }, mailsPerAddress: { limit: 10, windowSeconds: 3600 } };

/** A person of the provider with an authenticator app there. @returns its secret */
async function withAppAtProvider(email: string): Promise<string> {
  await idp.addPerson(email);
  const upstreamApp = await idp.client(REDIRECT_URI);
  const api = personApi(idp.issuer, await userAccessToken(idp.issuer, upstreamApp.clientId, upstreamApp.clientSecret, { email, password: PASSWORD }, []));
  return (await enrolApp(api, PASSWORD)).secret;
}

beforeAll(async () => {
  idp = await startIdentityProvider({ accounts: generous });
  app = await startTestServer({ sso: { allowPrivateNetworks: true }, accounts: generous });
  const gh = app.gatehouse;
  acme = await gh.identity.organizations.create({ slug: 'acme' });
  await gh.identity.users.create({ email: 'owner@acme.test', password: PASSWORD, organizationId: acme.id, roles: ['admin'] });
  const made = await gh.oauth.clients.create(OPERATOR, acme.id, { name: 'Acme Dashboard', redirect_uris: [REDIRECT_URI] });
  client = { clientId: made.client.clientId, clientSecret: made.client_secret! };
  // grace has an account here with an authenticator app of her own, from before single sign-on
  await gh.identity.users.create({ email: 'grace@acme.test', password: PASSWORD, organizationId: acme.id, roles: ['member'] });
  const api = personApi(app.url, await userAccessToken(app.url, client.clientId, client.clientSecret, { email: 'grace@acme.test', password: PASSWORD }, []));
  gracesOwn = (await enrolApp(api, PASSWORD)).secret;
  await connectProvider(gh, acme.id, idp, { domains: ['acme.test'] });
  await gh.store.organizations.update(acme.id, { mfaRequired: true });
}, 60_000);
afterAll(async () => {
  await app?.stop();
  await idp?.stop();
});

/** The usual answers, plus a code for the `mfa` step of `host` (the provider's or the app's) and an enrolment at the app. */
function answers(email: string, codes: { provider?: string; app?: string } = {}) {
  const usual = answeringThroughProvider(email);
  return async (page: WalkedPage): Promise<PageAnswer> => {
    if (page.step === 'mfa') {
      const secret = page.url.origin === idp.issuer ? codes.provider : codes.app;
      if (!secret) throw new Error(`a second factor was asked at ${page.url.host}`);
      // the next period's code: the current one was spent enrolling
      return { fields: { code: await totpCode(secret, 1) } };
    }
    if (page.step === 'continue') return { fields: {} };
    return usual(page);
  };
}

describe('second factors and single sign-on', () => {
  it('the provider\'s second factor satisfies an organization requiring one, for a person with none here', async () => {
    const provider = await withAppAtProvider('ada@acme.test');
    const { tokens, trail } = await signInThroughProvider(app.url, client, answers('ada@acme.test', { provider }));
    expect(trail.map((t) => t.split(':').pop())).toEqual(['login', 'onward', 'login', 'mfa', 'consent', 'onward', 'consent']);
    expect(tokens.claims()).toMatchObject({ email: 'ada@acme.test', amr: ['fed', 'mfa'] });
  });

  it('a person with a factor of their own here gives it, whatever the provider did', async () => {
    const provider = await withAppAtProvider('grace@acme.test');
    const { tokens, trail } = await signInThroughProvider(app.url, client, answers('grace@acme.test', { provider, app: gracesOwn }));
    expect(trail.filter((t) => t.endsWith(':mfa'))).toEqual([`${new URL(idp.issuer).host}:mfa`, `${new URL(app.url).host}:mfa`]);
    expect(tokens.claims()!.amr).toEqual(['fed', 'otp', 'mfa']);
  });

  it('without either, a member of an organization requiring a second factor enrols after the provider', async () => {
    await idp.addPerson('alan@acme.test');
    let enrolled = '';
    const usual = answers('alan@acme.test');
    const { tokens, trail } = await signInThroughProvider(app.url, client, async (page) => {
      if (page.step !== 'enrol-totp') return usual(page);
      enrolled = /id="totp-secret">([^<]+)</.exec(page.html)![1].replace(/\s/g, '');
      return { fields: { code: await totpCode(enrolled) } };
    });
    expect(trail.map((t) => t.split(':').pop())).toEqual(['login', 'onward', 'login', 'consent', 'onward', 'enrol-totp', 'continue', 'consent']);
    expect(tokens.claims()!.amr).toEqual(['fed', 'otp', 'mfa']);
  });
});
