import { randomBytes } from 'node:crypto';
import * as oidc from 'openid-client';
import type { Gatehouse } from '../../src/gatehouse.js';
import type { CreateClientInput } from '../../src/oauth/clients.js';
import type { Store } from '../../src/store/ports.js';
import { OPERATOR } from '../../src/audit/actor.js';

export const PASSWORD = 'correct horse battery staple';
export const REDIRECT_URI = 'http://127.0.0.1:9/callback';

let counter = 0;
const unique = () => `${Date.now().toString(36)}${(counter++).toString(36)}${randomBytes(2).toString('hex')}`;

/**
 * An organization, a member (role `admin` unless told) and a confidential client, made through
 * the services. The organization also has an owner (another admin), so the member can be demoted
 * or removed without taking the organization's last admin.
 */
export async function seedOAuth(gh: Gatehouse, options: { roles?: string[]; client?: Partial<CreateClientInput> } = {}) {
  const org = await gh.identity.organizations.create({ slug: `org-${unique()}` });
  await gh.identity.users.create({ email: `owner-${unique()}@example.com`, password: PASSWORD, organizationId: org.id, roles: ['admin'] });
  const email = `user-${unique()}@example.com`;
  const { user } = await gh.identity.users.create({ email, password: PASSWORD, name: 'Ada Lovelace', organizationId: org.id, roles: options.roles ?? ['admin'] });
  const { client, client_secret } = await gh.oauth.clients.create(OPERATOR, org.id, {
    name: 'Test App', redirect_uris: [REDIRECT_URI], grant_types: ['authorization_code', 'refresh_token', 'client_credentials'],
    permissions: ['users:read'], ...options.client,
  });
  return { org, user, email, password: PASSWORD, client, clientSecret: client_secret };
}

/** A user in another organization (not a member of the seeded one). */
export async function seedOutsider(gh: Gatehouse) {
  const org = await gh.identity.organizations.create({ slug: `other-${unique()}` });
  const email = `outsider-${unique()}@example.com`;
  const { user } = await gh.identity.users.create({ email, password: PASSWORD, organizationId: org.id, roles: ['admin'] });
  return { org, user, email };
}

/** openid-client configuration for a client of the test server (http on 127.0.0.1 allowed). */
export async function clientConfig(issuer: string, clientId: string, secret?: string): Promise<oidc.Configuration> {
  const auth = secret ? oidc.ClientSecretBasic(secret) : oidc.None();
  return oidc.discovery(new URL(issuer), clientId, secret, auth, { execute: [oidc.allowInsecureRequests] });
}

interface StoredCookie { value: string; path: string }

/** A tiny cookie-keeping HTTP agent that never follows redirects on its own (like a browser, minus JS). */
export class FormAgent {
  private readonly jar = new Map<string, StoredCookie>();

  async request(url: string, init: { method?: string; form?: Record<string, string> } = {}): Promise<Response> {
    const target = new URL(url);
    const cookie = [...this.jar.entries()].filter(([, c]) => target.pathname.startsWith(c.path)).map(([n, c]) => `${n}=${c.value}`).join('; ');
    const headers: Record<string, string> = {};
    if (cookie) headers.cookie = cookie;
    let body: string | undefined;
    if (init.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(init.form).toString();
    }
    const res = await fetch(target, { method: init.method ?? (body ? 'POST' : 'GET'), headers, body, redirect: 'manual' });
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';').map((s) => s.trim());
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      const path = attrs.find((a) => a.toLowerCase().startsWith('path='))?.slice(5) ?? '/';
      const expired = attrs.some((a) => a.toLowerCase().startsWith('expires=') && new Date(a.slice(8)).getTime() < Date.now());
      if (expired || value === '') this.jar.delete(name);
      else this.jar.set(name, { value, path });
    }
    return res;
  }

  /** The value of a cookie it holds, e.g. `_session` (the session id). */
  cookie(name: string): string | undefined {
    return this.jar.get(name)?.value;
  }
}

/** The `csrf` and `action` of the page's form. */
export function formOf(page: string): { action: string; csrf: string } {
  const action = /<form method="post" action="([^"]+)"/.exec(page)?.[1];
  const csrf = /name="csrf" value="([^"]+)"/.exec(page)?.[1];
  if (!action || !csrf) throw new Error(`no form on page:\n${page.slice(0, 500)}`);
  return { action, csrf };
}

export interface AuthorizeResult {
  /** the URL the browser was finally sent to (the redirect_uri with code and state, or an error) */
  callback: URL;
  /** pages shown on the way: 'login' | 'organization' | 'consent' */
  pages: string[];
  /** the HTML of each page shown, in order */
  html: string[];
}

/**
 * Walks an authorization request like a user without JavaScript: follows redirects, fills the
 * login form, allows consent, until a redirect to `redirectUri`.
 */
export async function authorize(agent: FormAgent, issuer: string, authUrl: URL | string, who: { email: string; password: string },
  options: { redirectUri?: string; decision?: 'allow' | 'deny'; organization?: string } = {}): Promise<AuthorizeResult> {
  const redirectUri = options.redirectUri ?? REDIRECT_URI;
  const pages: string[] = [];
  const html: string[] = [];
  let res = await agent.request(String(authUrl));
  for (let hops = 0; hops < 20; hops++) {
    if (res.status >= 300 && res.status < 400) {
      const location = new URL(res.headers.get('location')!, issuer);
      if (location.href.startsWith(redirectUri)) return { callback: location, pages, html };
      res = await agent.request(location.href);
      continue;
    }
    const page = await res.text();
    if (res.status !== 200) throw new Error(`unexpected ${res.status}: ${page.slice(0, 400)}`);
    const { action, csrf } = formOf(page);
    const url = new URL(action, issuer).href;
    html.push(page);
    if (action.endsWith('/organization')) {
      pages.push('organization');
      if (!options.organization) throw new Error('the organization picker was shown but no organization was given');
      res = await agent.request(url, { form: { csrf, organization: options.organization } });
    } else if (action.endsWith('/login')) {
      pages.push('login');
      res = await agent.request(url, { form: { csrf, email: who.email, password: who.password } });
    } else {
      pages.push('consent');
      res = await agent.request(url, { form: { csrf, decision: options.decision ?? 'allow' } });
    }
  }
  throw new Error('too many hops');
}

/** A full code + PKCE login, returning the token endpoint response. */
export async function loginAndExchange(config: oidc.Configuration, agent: FormAgent, issuer: string, who: { email: string; password: string },
  params: Record<string, string> = {}, options: { organization?: string } = {}) {
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT_URI, scope: 'openid email profile', state,
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', ...params,
  });
  const result = await authorize(agent, issuer, url, who, options);
  const tokens = await oidc.authorizationCodeGrant(config, result.callback, { pkceCodeVerifier: verifier, expectedState: state });
  return { tokens, pages: result.pages, html: result.html, callback: result.callback, verifier };
}

/**
 * A store whose oidc payload reads take a few milliseconds, like a networked database: parallel
 * requests then interleave between oidc-provider's "consumed?" check and its consume, which an
 * in-process SQLite store (synchronous underneath) would never let happen.
 */
export function withSlowOidcReads(store: Store, delayMs = 5): Store {
  const oidcStore = store.oidc;
  const slow = {
    ...oidcStore,
    upsert: oidcStore.upsert.bind(oidcStore),
    findByUid: oidcStore.findByUid.bind(oidcStore),
    findByUserCode: oidcStore.findByUserCode.bind(oidcStore),
    consume: oidcStore.consume.bind(oidcStore),
    destroy: oidcStore.destroy.bind(oidcStore),
    revokeByGrantId: oidcStore.revokeByGrantId.bind(oidcStore),
    async find(model: string, id: string) {
      await new Promise((r) => setTimeout(r, delayMs));
      return oidcStore.find(model, id);
    },
  };
  return new Proxy(store, { get: (target, prop, receiver) => (prop === 'oidc' ? slow : Reflect.get(target, prop, receiver)) });
}

/** Starts an authorization request and returns the interaction page it leads to (status, URL, HTML, headers). */
export async function openInteraction(agent: FormAgent, issuer: string, config: oidc.Configuration, params: Record<string, string> = {}) {
  const verifier = oidc.randomPKCECodeVerifier();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT_URI, scope: 'openid', state: 'st',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', ...params,
  });
  const start = await agent.request(url.href);
  if (start.status !== 303) throw new Error(`expected a redirect to the interaction, got ${start.status}: ${(await start.text()).replace(/[\s\S]*<main>/, "").slice(0, 600)}`);
  const pageUrl = new URL(start.headers.get('location')!, issuer).href;
  const res = await agent.request(pageUrl);
  return { url: pageUrl, status: res.status, headers: res.headers, html: await res.text(), verifier };
}

/** Submits the login form of `html` (its own CSRF token unless given). */
export async function submitLoginForm(agent: FormAgent, issuer: string, html: string, fields: Record<string, string>) {
  const { action, csrf } = formOf(html);
  const res = await agent.request(new URL(action, issuer).href, { form: { csrf, ...fields } });
  return { status: res.status, headers: res.headers, html: await res.text() };
}

/**
 * Starts an authorization request, signs in on its login page and follows on to the page after
 * it (the organization picker, or consent). @throws when the login is refused
 */
export async function pageAfterLogin(agent: FormAgent, issuer: string, config: oidc.Configuration, who: { email: string; password: string },
  params: Record<string, string> = {}) {
  const page = await openInteraction(agent, issuer, config, params);
  const login = await submitLoginForm(agent, issuer, page.html, who);
  if (login.status !== 303) throw new Error(`the login was refused (${login.status})`);
  let res = await agent.request(new URL(login.headers.get('location')!, issuer).href);
  if (res.status === 303) res = await agent.request(new URL(res.headers.get('location')!, issuer).href);
  return { res, html: await res.text() };
}

/** A raw refresh request (openid-client would throw on errors; here every outcome is data). */
export async function refreshAt(issuer: string, clientId: string, secret: string, refreshToken: string) {
  const res = await fetch(`${issuer}/token`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken }),
  });
  return { status: res.status, body: await res.json() as Record<string, string> };
}
