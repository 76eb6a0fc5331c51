import { OPERATOR } from '../../../src/audit/actor.js';
import { decodeJwt } from 'jose';
import * as oidc from 'openid-client';
import { startTestServer, type RunningGatehouse } from '../../support/harness.js';
import {
  clientConfig, FormAgent, formOf, loginAndExchange, openInteraction, pageAfterLogin, PASSWORD, REDIRECT_URI, submitLoginForm,
} from '../../support/oauth.js';

/**
 * Which organization a token acts for is the security boundary of multi-organization apps: it
 * must be one the person belongs to, chosen by them or named by the request, and never one an
 * app that is not multi-organization may not reach.
 */
let server: RunningGatehouse;
const ids: Record<string, string> = {};
let multi: oidc.Configuration;
let single: oidc.Configuration;

beforeAll(async () => {
  server = await startTestServer();
  const gh = server.gatehouse;
  const [owner, acme, beta, gamma] = await Promise.all(['owner', 'acme', 'beta', 'gamma'].map((slug) => gh.identity.organizations.create({ slug })));
  Object.assign(ids, { owner: owner.id, acme: acme.id, beta: beta.id, gamma: gamma.id });
  const { user } = await gh.identity.users.create({ email: 'eve@example.com', password: PASSWORD, organizationId: acme.id, roles: ['member'] });
  await gh.identity.members.add(beta.id, user.id, ['member']);
  await gh.identity.users.create({ email: 'solo@example.com', password: PASSWORD, organizationId: gamma.id, roles: ['admin'] });
  await gh.identity.users.create({ email: 'owner@example.com', password: PASSWORD, organizationId: owner.id, roles: ['admin'] });
  const m = await gh.oauth.clients.create(OPERATOR, owner.id, { name: 'Everywhere', redirect_uris: [REDIRECT_URI], multi_organization: true });
  const s = await gh.oauth.clients.create(OPERATOR, owner.id, { name: 'Owner only', redirect_uris: [REDIRECT_URI] });
  multi = await clientConfig(server.url, m.client.clientId, m.client_secret);
  single = await clientConfig(server.url, s.client.clientId, s.client_secret);
});
afterAll(async () => { await server.stop(); });

const eve = { email: 'eve@example.com', password: PASSWORD };

describe('the organization parameter', () => {
  it('is refused (invalid_request, back to the app) when an app that is not multi-organization names another organization', async () => {
    const start = await openInteractionOrRedirect(single, { organization: 'acme' });
    expect(start.searchParams.get('error')).toBe('invalid_request');
    expect(start.searchParams.get('error_description')).toMatch(/own organization only/);
  });

  it('is refused when it is not an organization id or slug', async () => {
    const start = await openInteractionOrRedirect(multi, { organization: '../../etc' });
    expect(start.searchParams.get('error')).toBe('invalid_request');
  });

  it('naming an organization the person is not in: the login is refused with a message, and no token exists for it', async () => {
    const agent = new FormAgent();
    const page = await openInteraction(agent, server.url, multi, { organization: 'gamma' });
    const res = await submitLoginForm(agent, server.url, page.html, eve);
    expect(res.status).toBe(403);
    expect(res.html).toContain('does not belong to the organization this application asked for');
  });

  it('naming an unknown organization looks exactly like naming one the person is not in', async () => {
    const agent = new FormAgent();
    const page = await openInteraction(agent, server.url, multi, { organization: 'no-such-org' });
    const res = await submitLoginForm(agent, server.url, page.html, eve);
    expect(res.status).toBe(403);
    expect(res.html).toContain('does not belong to the organization this application asked for');
  });

  it('is carried through a pushed authorization request (PAR)', async () => {
    const verifier = oidc.randomPKCECodeVerifier();
    const url = await oidc.buildAuthorizationUrlWithPAR(multi, {
      redirect_uri: REDIRECT_URI, scope: 'openid users:read', state: 'par', organization: 'beta',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
    });
    expect(url.searchParams.get('request_uri')).toMatch(/^urn:ietf:params:oauth:request_uri:/);
    const { authorize } = await import('../../support/oauth.js');
    const { callback, pages } = await authorize(new FormAgent(), server.url, url, eve);
    expect(pages).toEqual(['login', 'consent']);
    const tokens = await oidc.authorizationCodeGrant(multi, callback, { pkceCodeVerifier: verifier, expectedState: 'par' });
    expect(decodeJwt(tokens.access_token).org).toBe(ids.beta);
  });
});

describe('an app that is not multi-organization', () => {
  it('signs in members of its own organization only', async () => {
    const agent = new FormAgent();
    const page = await openInteraction(agent, server.url, single);
    const res = await submitLoginForm(agent, server.url, page.html, eve);
    expect(res.status).toBe(403);
    expect(res.html).toContain('does not belong to the organization that runs this application');
    const owner = await loginAndExchange(single, new FormAgent(), server.url, { email: 'owner@example.com', password: PASSWORD });
    expect(decodeJwt(owner.tokens.access_token).org).toBe(ids.owner);
  });
});

describe('the organization picker', () => {
  async function picker() {
    const agent = new FormAgent();
    return { agent, ...(await pageAfterLogin(agent, server.url, multi, eve, { scope: 'openid users:read' })) };
  }

  it('is a plain form: labelled radio buttons, CSRF token, strict CSP, no script', async () => {
    const { res, html } = await picker();
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toMatch(/default-src 'none'.*frame-ancestors 'none'/);
    expect(html).not.toMatch(/<script|onclick|onload/);
    expect(html).toContain('<legend>Organization</legend>');
    expect(html.match(/<input type="radio" id="org-(\d)" name="organization"/g)).toHaveLength(2);
    expect(html).toContain('<label for="org-0">');
    expect(html).toMatch(/name="csrf" value="[A-Za-z0-9_-]{20,}"/);
  });

  it('offers only the person\'s organizations, and refuses any other chosen by a forged form', async () => {
    const { agent, html } = await picker();
    expect(html).toContain(ids.acme);
    expect(html).toContain(ids.beta);
    expect(html).not.toContain(ids.gamma);
    const { action, csrf } = formOf(html);
    const forged = await agent.request(new URL(action, server.url).href, { form: { csrf, organization: ids.gamma } });
    expect(forged.status).toBe(400);
    expect(await forged.text()).toContain('Choose one of your organizations.');
  });

  it('refuses a submission without the CSRF token', async () => {
    const { agent, html } = await picker();
    const { action } = formOf(html);
    const res = await agent.request(new URL(action, server.url).href, { form: { csrf: 'x', organization: ids.acme } });
    expect(res.status).toBe(403);
  });

  it('is skipped for a person in one organization: the app acts for that one', async () => {
    const solo = await loginAndExchange(multi, new FormAgent(), server.url, { email: 'solo@example.com', password: PASSWORD }, { scope: 'openid users:read' });
    expect(solo.pages).toEqual(['login', 'consent']);
    expect(decodeJwt(solo.tokens.access_token).org).toBe(ids.gamma);
  });
});

describe('tokens', () => {
  it('of a person who leaves the organization stop refreshing, while her token for the other still refreshes', async () => {
    const OFFLINE = { scope: 'openid offline_access users:read', prompt: 'consent' };
    const { user } = await server.gatehouse.identity.users.create({ email: 'mover@example.com', password: PASSWORD, organizationId: ids.acme, roles: ['member'] });
    await server.gatehouse.identity.members.add(ids.beta, user.id, ['member']);
    const who = { email: 'mover@example.com', password: PASSWORD };
    const inAcme = await loginAndExchange(multi, new FormAgent(), server.url, who, { ...OFFLINE, organization: 'acme' });
    const inBeta = await loginAndExchange(multi, new FormAgent(), server.url, who, { ...OFFLINE, organization: 'beta' });
    await server.gatehouse.identity.members.remove(OPERATOR, ids.acme, user.id);
    await expect(oidc.refreshTokenGrant(multi, inAcme.tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    const refreshed = await oidc.refreshTokenGrant(multi, inBeta.tokens.refresh_token!);
    expect(decodeJwt(refreshed.access_token).org).toBe(ids.beta);
  });
});

/** The URL the authorization endpoint sends the browser to when it refuses the request outright. */
async function openInteractionOrRedirect(config: oidc.Configuration, params: Record<string, string>): Promise<URL> {
  const verifier = oidc.randomPKCECodeVerifier();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT_URI, scope: 'openid', state: 's', code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256', ...params,
  });
  const res = await new FormAgent().request(url.href);
  expect(res.status).toBe(303);
  return new URL(res.headers.get('location')!, server.url);
}
