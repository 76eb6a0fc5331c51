import { OPERATOR } from '../../../src/audit/actor.js';
import { decodeJwt } from 'jose';
import * as oidc from 'openid-client';
import { startTestServer, type RunningGatehouse } from '../../support/harness.js';
import { FormAgent, formOf, PASSWORD } from '../../support/oauth.js';

/**
 * RFC 8628 for CLIs, end to end: openid-client starts a device authorization and polls; a person
 * opens the verification page in a browser (no JavaScript), enters the code, confirms it, signs
 * in, picks the organization and consents; the CLI then holds tokens acting for that organization.
 */
let server: RunningGatehouse;
let config: oidc.Configuration;
const ids: Record<string, string> = {};

beforeAll(async () => {
  server = await startTestServer();
  const gh = server.gatehouse;
  const [vendor, acme, beta] = await Promise.all(['vendor', 'acme', 'beta'].map((slug) => gh.identity.organizations.create({ slug, name: slug.toUpperCase() })));
  Object.assign(ids, { acme: acme.id, beta: beta.id });
  const { user } = await gh.identity.users.create({ email: 'cli-user@example.com', password: PASSWORD, organizationId: acme.id, roles: ['member'] });
  await gh.identity.members.add(beta.id, user.id, ['admin']);
  ids.user = user.id;
  const { client } = await gh.oauth.clients.create(OPERATOR, vendor.id, {
    name: 'Deploy CLI', public: true, multi_organization: true,
    grant_types: ['urn:ietf:params:oauth:grant-type:device_code', 'refresh_token'],
  });
  ids.client = client.clientId;
  config = await oidc.discovery(new URL(server.url), client.clientId, undefined, oidc.None(), { execute: [oidc.allowInsecureRequests] });
});
afterAll(async () => { await server.stop(); });

/** Follows redirects like a browser and returns the page it lands on. */
async function land(agent: FormAgent, url: string, init?: { form: Record<string, string> }) {
  let res = await agent.request(url, init);
  const visited = [url];
  while (res.status >= 300 && res.status < 400) {
    const next = new URL(res.headers.get('location')!, server.url).href;
    visited.push(next);
    res = await agent.request(next);
  }
  return { status: res.status, html: await res.text(), headers: res.headers, visited };
}

/** The hidden fields of the page's form. */
function hidden(html: string): Record<string, string> {
  return Object.fromEntries([...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"\s*\/?>/g)].map(([, n, v]) => [n, v]));
}

describe('device authorization grant', () => {
  it('is advertised in discovery with its endpoint', async () => {
    const doc = config.serverMetadata();
    expect(doc.device_authorization_endpoint).toBe(`${server.url}/device/auth`);
    expect(doc.grant_types_supported).toContain('urn:ietf:params:oauth:grant-type:device_code');
  });

  it('signs a person in on another screen: code, confirm, login, organization, consent; the CLI gets tokens for that organization', async () => {
    const started = await oidc.initiateDeviceAuthorization(config, { scope: 'openid users:read users:write' });
    expect(started.user_code).toMatch(/^[A-Z]{4}-[A-Z]{4}$/);
    expect(started.verification_uri).toBe(`${server.url}/device`);
    expect(started.expires_in).toBe(600);
    const polling = oidc.pollDeviceAuthorizationGrant(config, { ...started, interval: 1 });

    const agent = new FormAgent();
    const input = await land(agent, started.verification_uri);
    expect(input.status).toBe(200);
    expect(input.html).toContain('<label for="user_code">Code</label>');
    expect(input.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(input.html).not.toContain('<script');

    const confirm = await land(agent, new URL(formOf2(input.html), server.url).href, { form: { ...hidden(input.html), user_code: started.user_code.toLowerCase() } });
    expect(confirm.html).toContain('<strong>Deploy CLI</strong>');
    expect(confirm.html).toContain(`<code>${started.user_code}</code>`);

    const login = await land(agent, new URL(formOf2(confirm.html), server.url).href, { form: { ...hidden(confirm.html), confirm: 'yes' } });
    expect(login.html).toContain('<h1>Sign in</h1>');
    const picker = await land(agent, new URL(formOf(login.html).action, server.url).href,
      { form: { csrf: formOf(login.html).csrf, email: 'cli-user@example.com', password: PASSWORD } });
    expect(picker.html).toContain('<h1>Choose an organization</h1>');
    const consent = await land(agent, new URL(formOf(picker.html).action, server.url).href,
      { form: { csrf: formOf(picker.html).csrf, organization: ids.beta } });
    expect(consent.html).toMatch(/asks to act for you in\s*<strong>BETA<\/strong>/);
    const done = await land(agent, new URL(formOf(consent.html).action, server.url).href,
      { form: { csrf: formOf(consent.html).csrf, decision: 'allow' } });
    expect(done.html).toContain('<h1>Device connected</h1>');

    const tokens = await polling;
    const claims = decodeJwt(tokens.access_token);
    expect(claims).toMatchObject({ org: ids.beta, sub: ids.user, client_id: ids.client });
    expect(String(claims.scope).split(' ')).toEqual(expect.arrayContaining(['users:read', 'users:write']));
  });

  it('reports a wrong code on the page, and lets the person cancel (the CLI then gets access_denied)', async () => {
    const agent = new FormAgent();
    const input = await land(agent, `${server.url}/device`);
    const wrong = await land(agent, `${server.url}/device`, { form: { ...hidden(input.html), user_code: 'BCDF-GHJK' } });
    expect(wrong.status).toBe(400);
    expect(wrong.html).toContain('That code is not right');

    const started = await oidc.initiateDeviceAuthorization(config, { scope: 'openid users:read' });
    const polling = oidc.pollDeviceAuthorizationGrant(config, { ...started, interval: 1 }).catch((e: { error?: string }) => e.error);
    // the complete URI carries the code: its page posts it on (a button without JavaScript)
    const page = await land(agent, started.verification_uri_complete!);
    expect(page.html).toContain('<noscript>');
    expect(hidden(page.html).user_code).toBe(started.user_code);
    const confirm = await land(agent, `${server.url}/device`, { form: hidden(page.html) });
    expect(confirm.html).toContain('Is this your device?');
    const cancelled = await land(agent, `${server.url}/device`, { form: { ...hidden(confirm.html), abort: 'yes' } });
    expect(cancelled.html).toContain('The sign-in was cancelled');
    expect(await polling).toBe('access_denied');
  });
});

/** The action of the page's POST form (device pages carry no csrf field, but an xsrf one). */
function formOf2(html: string): string {
  const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
  if (!action) throw new Error(`no form:\n${html.slice(0, 400)}`);
  return action;
}
