import { decodeJwt } from 'jose';
import * as oidc from 'openid-client';
import { OPERATOR } from '../../../src/audit/actor.js';
import { startTestServer, type RunningGatehouse } from '../../support/harness.js';
import {
  clientConfig, FormAgent, formOf, loginAndExchange, openInteraction, pageAfterLogin, PASSWORD, REDIRECT_URI, refreshAt, submitLoginForm,
} from '../../support/oauth.js';

/*
 * A member disabled in one organization (SPEC §4), against apps acting for several (SPEC §3): what
 * they authorized any app to do for that organization ends (another organization's
 * multi-organization app too), what they authorized for their other organizations carries on,
 * and no page lets them back in for it: not the login, not the organization picker (shown or
 * forged), not the device flow.
 */
let server: RunningGatehouse;
const ids: Record<string, string> = {};
let everywhere: { config: oidc.Configuration; clientId: string; secret: string };
let deviceConfig: oidc.Configuration;
const mo = { email: 'mo@example.com', password: PASSWORD };
const OFFLINE = { scope: 'openid offline_access users:read', prompt: 'consent' };

beforeAll(async () => {
  server = await startTestServer();
  const gh = server.gatehouse;
  const [vendor, acme, beta, gamma] = await Promise.all(['vendor', 'acme', 'beta', 'gamma'].map((slug) => gh.identity.organizations.create({ slug })));
  Object.assign(ids, { vendor: vendor.id, acme: acme.id, beta: beta.id, gamma: gamma.id });
  await gh.identity.users.create({ email: 'owner@acme.test', password: PASSWORD, organizationId: acme.id, roles: ['admin'] });
  const { user } = await gh.identity.users.create({ ...mo, organizationId: acme.id, roles: ['member'] });
  ids.mo = user.id;
  await gh.identity.members.add(beta.id, user.id, ['member']);
  // vendor's app, acting for any organization: acme did not register it
  const app = await gh.oauth.clients.create(OPERATOR, vendor.id, { name: 'Everywhere', redirect_uris: [REDIRECT_URI], multi_organization: true });
  everywhere = { config: await clientConfig(server.url, app.client.clientId, app.client_secret), clientId: app.client.clientId, secret: app.client_secret! };
  // acme's own command-line tool, signing in through the device flow
  const cli = await gh.oauth.clients.create(OPERATOR, acme.id, {
    name: 'Acme CLI', public: true, grant_types: ['urn:ietf:params:oauth:grant-type:device_code', 'refresh_token'],
  });
  deviceConfig = await oidc.discovery(new URL(server.url), cli.client.clientId, undefined, oidc.None(), { execute: [oidc.allowInsecureRequests] });
});
afterAll(async () => { await server.stop(); });

const disableInAcme = () => server.gatehouse.identity.members.update(OPERATOR, ids.acme, ids.mo, { disabled: true });
const connection = (organizationId: string) => server.gatehouse.store.appConnections.find(organizationId, everywhere.clientId, ids.mo);

describe('a member disabled in one organization', () => {
  let inAcme: string;
  let inBeta: string;

  beforeAll(async () => {
    inAcme = (await loginAndExchange(everywhere.config, new FormAgent(), server.url, mo, { ...OFFLINE, organization: 'acme' })).tokens.refresh_token!;
    inBeta = (await loginAndExchange(everywhere.config, new FormAgent(), server.url, mo, { ...OFFLINE, organization: 'beta' })).tokens.refresh_token!;
    expect(await connection(ids.acme)).not.toBeNull();
    await disableInAcme();
  });

  it("loses another organization's app's authorization to act for it, and keeps the one for her other organization", async () => {
    expect(await connection(ids.acme)).toBeNull();
    expect(await connection(ids.beta)).not.toBeNull();
    expect(await refreshAt(server.url, everywhere.clientId, everywhere.secret, inAcme)).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    const beta = await refreshAt(server.url, everywhere.clientId, everywhere.secret, inBeta);
    expect(beta.status).toBe(200);
    expect(decodeJwt(beta.body.access_token).org).toBe(ids.beta);
  });

  it('cannot name that organization: the login is refused', async () => {
    const agent = new FormAgent();
    const page = await openInteraction(agent, server.url, everywhere.config, { organization: 'acme' });
    const res = await submitLoginForm(agent, server.url, page.html, mo);
    expect(res.status).toBe(403);
    expect(res.html).toContain('does not belong to the organization this application asked for');
  });

  it('is not offered that organization by the picker, and a forged choice of it is refused', async () => {
    await server.gatehouse.identity.members.add(ids.gamma, ids.mo, ['member']);
    try {
      const agent = new FormAgent();
      const { html } = await pageAfterLogin(agent, server.url, everywhere.config, mo, { scope: 'openid users:read' });
      expect(html).toContain('<h1>Choose an organization</h1>');
      expect(html).toContain(ids.beta);
      expect(html).toContain(ids.gamma);
      expect(html).not.toContain(ids.acme);
      const { action, csrf } = formOf(html);
      const forged = await agent.request(new URL(action, server.url).href, { form: { csrf, organization: ids.acme } });
      expect(forged.status).toBe(400);
      expect(await forged.text()).toContain('Choose one of your organizations.');
    } finally {
      await server.gatehouse.identity.members.remove(OPERATOR, ids.gamma, ids.mo);
    }
  });

  it('goes straight to her one enabled organization when the app names none', async () => {
    const { tokens, pages } = await loginAndExchange(everywhere.config, new FormAgent(), server.url, mo, { scope: 'openid users:read' });
    expect(pages).not.toContain('organization');
    expect(decodeJwt(tokens.access_token).org).toBe(ids.beta);
  });

  it("cannot sign in to that organization's app through the device flow", async () => {
    const started = await oidc.initiateDeviceAuthorization(deviceConfig, { scope: 'openid' });
    const agent = new FormAgent();
    const land = async (url: string, form?: Record<string, string>) => {
      let res = await agent.request(url, form ? { form } : undefined);
      while (res.status >= 300 && res.status < 400) res = await agent.request(new URL(res.headers.get('location')!, server.url).href);
      return { status: res.status, html: await res.text() };
    };
    const xsrf = (html: string) => /name="xsrf" value="([^"]*)"/.exec(html)?.[1] ?? '';
    const input = await land(started.verification_uri);
    const confirm = await land(started.verification_uri, { xsrf: xsrf(input.html), user_code: started.user_code });
    expect(confirm.html).toContain('Is this your device?');
    const login = await land(started.verification_uri, { xsrf: xsrf(confirm.html), user_code: started.user_code, confirm: 'yes' });
    expect(login.html).toContain('<h1>Sign in</h1>');
    const refused = await submitLoginForm(agent, server.url, login.html, mo);
    expect(refused.status).toBe(403);
    expect(refused.html).toContain('does not belong to the organization that runs this application');
  });
});
