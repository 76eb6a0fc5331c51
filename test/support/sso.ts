import { randomBytes } from 'node:crypto';
import * as oidc from 'openid-client';
import { OPERATOR } from '../../src/audit/actor.js';
import type { Gatehouse } from '../../src/gatehouse.js';
import type { SsoConnection } from '../../src/store/ports.js';
import { formNamed, stepOf, visibleText, type PageAnswer } from './accounts.js';
import { startTestServer, type RunningGatehouse } from './harness.js';
import { clientConfig, FormAgent, PASSWORD, REDIRECT_URI } from './oauth.js';

/**
 * A second Gatehouse as an organization's OpenID Connect identity provider (the "upstream"): its
 * own organization and people, and a confidential client for a downstream Gatehouse's
 * `/sso/callback`.
 */
export interface IdentityProvider {
  server: RunningGatehouse;
  issuer: string;
  /** a person who signs in at the provider with `PASSWORD` (email verified unless told) */
  addPerson(email: string, options?: { emailVerified?: boolean }): Promise<void>;
  /** a client whose redirect URI is `redirectUri` (the downstream's `/sso/callback`) */
  client(redirectUri: string): Promise<{ clientId: string; clientSecret: string }>;
  stop(): Promise<void>;
}

export async function startIdentityProvider(overrides: Record<string, unknown> = {}): Promise<IdentityProvider> {
  const server = await startTestServer(overrides);
  const gh = server.gatehouse;
  const org = await gh.identity.organizations.create({ slug: `idp-${randomBytes(3).toString('hex')}`, name: 'Upstream IdP' });
  return {
    server, issuer: server.url,
    async addPerson(email, options = {}) {
      await gh.identity.users.create({ email, password: PASSWORD, organizationId: org.id, roles: ['member'], emailVerified: options.emailVerified ?? true });
    },
    async client(redirectUri) {
      const made = await gh.oauth.clients.create(OPERATOR, org.id, {
        name: 'Downstream Gatehouse', redirect_uris: [redirectUri], grant_types: ['authorization_code'], scope: 'openid profile email',
      });
      return { clientId: made.client.clientId, clientSecret: made.client_secret! };
    },
    stop: () => server.stop(),
  };
}

/**
 * Connects `idp` to the downstream's organization as the operator, verifies `domains` for it,
 * and returns the connection.
 */
export async function connectProvider(gh: Gatehouse, organizationId: string, idp: IdentityProvider,
  options: { domains?: string[]; required?: boolean; defaultRole?: string } = {}): Promise<SsoConnection> {
  const { clientId, clientSecret } = await idp.client(gh.sso.redirectUri);
  const connection = await gh.sso.connections.create(OPERATOR, organizationId, {
    issuer: idp.issuer, clientId, clientSecret, required: options.required, defaultRole: options.defaultRole,
  });
  for (const domain of options.domains ?? []) {
    await gh.sso.domains.claim(OPERATOR, organizationId, domain);
    await gh.sso.domains.verify(OPERATOR, organizationId, domain, 'operator');
  }
  return connection;
}

/** A cookie jar per origin, as a browser keeps them (two Gatehouses on one host must not share `_session`). */
export class Browserless {
  private readonly agents = new Map<string, FormAgent>();

  agent(url: string | URL): FormAgent {
    const origin = new URL(url).origin;
    let agent = this.agents.get(origin);
    if (!agent) this.agents.set(origin, (agent = new FormAgent()));
    return agent;
  }

  request(url: string | URL, init?: { form?: Record<string, string> }): Promise<Response> {
    return this.agent(url).request(String(url), init);
  }
}

/** One page on the way: where it is and what it asks. */
export interface WalkedPage { url: URL; step: string; html: string }

const unescapeHtml = (v: string) => v.replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** The URL a page's meta refresh goes on to (an onward page), or null. */
export function onwardOf(html: string): string | null {
  const match = /<meta http-equiv="refresh" content="0; url=([^"]+)">/.exec(html);
  return match ? unescapeHtml(match[1]) : null;
}

/**
 * Walks like a browser without JavaScript across several origins: follows redirects and onward
 * pages (meta refresh), answers each page with a form through `answer`, until a redirect to
 * `stopAt`. `trail` names each page: `<host>:<step>`, `<host>:onward`. @throws on a page that is
 * not 200, with its text
 */
export async function walkAcross(browser: Browserless, start: string | URL, answer: (page: WalkedPage) => PageAnswer | Promise<PageAnswer>,
  stopAt = REDIRECT_URI): Promise<{ callback: URL; trail: string[]; pages: WalkedPage[] }> {
  const trail: string[] = [];
  const pages: WalkedPage[] = [];
  let url = new URL(start);
  let res = await browser.request(url);
  for (let hops = 0; hops < 40; hops++) {
    if (res.status >= 300 && res.status < 400) {
      url = new URL(res.headers.get('location')!, url);
      if (url.href.startsWith(stopAt)) return { callback: url, trail, pages };
      res = await browser.request(url);
      continue;
    }
    const html = await res.text();
    if (res.status !== 200) throw new Error(`page ${res.status} at ${url.pathname} after ${trail.join(' → ')}: ${visibleText(html).slice(0, 300)}`);
    const onward = onwardOf(html);
    if (onward) {
      trail.push(`${url.host}:onward`);
      url = new URL(onward, url);
      res = await browser.request(url);
      continue;
    }
    const step = stepOf(html);
    trail.push(`${url.host}:${step}`);
    const page = { url, step, html };
    pages.push(page);
    const reply = await answer(page);
    const form = formNamed(html, reply.step ? `/${reply.step}` : undefined);
    url = new URL(form.action, url);
    res = await browser.request(url, { form: { ...form.fields, ...reply.fields } });
  }
  throw new Error(`too many hops: ${trail.join(' → ')}`);
}

/**
 * The usual answers of a sign-in through a provider: the email at the downstream's email step,
 * email and password at the provider's login page, `allow` at either consent page.
 */
export function answeringThroughProvider(email: string, more: Record<string, (page: WalkedPage) => PageAnswer> = {}) {
  return (page: WalkedPage): PageAnswer => {
    if (Object.hasOwn(more, page.step)) return more[page.step](page);
    if (page.step === 'login' && page.html.includes('name="step" value="email"')) return { fields: { email } };
    if (page.step === 'login') return { fields: { email, password: PASSWORD } };
    if (page.step === 'consent') return { fields: { decision: 'allow' } };
    throw new Error(`no answer for the ${page.step} step at ${page.url.host}:\n${visibleText(page.html).slice(0, 400)}`);
  };
}

/** An authorization request of the downstream app (code + PKCE), and how to redeem the code it ends with. */
export async function appAuthorization(appIssuer: string, app: { clientId: string; clientSecret: string }, params: Record<string, string> = {}) {
  const config = await clientConfig(appIssuer, app.clientId, app.clientSecret);
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT_URI, scope: 'openid email users:read', state,
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', ...params,
  });
  return { url, redeem: (callback: URL) => oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: state }) };
}

/** A code + PKCE authorization of the downstream app, walked through the provider, redeemed with openid-client. */
export async function signInThroughProvider(appIssuer: string, app: { clientId: string; clientSecret: string },
  answer: Parameters<typeof walkAcross>[2], browser = new Browserless(), params: Record<string, string> = {}) {
  const authorization = await appAuthorization(appIssuer, app, params);
  const walked = await walkAcross(browser, authorization.url, answer);
  return { tokens: await authorization.redeem(walked.callback), trail: walked.trail, pages: walked.pages, browser };
}

/** A provider for the enclosing test file (started in beforeAll, stopped in afterAll), with a client for `redirectUri()`. */
export function providerSuite(redirectUri: () => string): { idp: IdentityProvider; client: { clientId: string; clientSecret: string } } {
  const suite = {} as { idp: IdentityProvider; client: { clientId: string; clientSecret: string } };
  beforeAll(async () => {
    suite.idp = await startIdentityProvider();
    suite.client = await suite.idp.client(redirectUri());
  });
  afterAll(() => suite.idp?.stop());
  return suite;
}
