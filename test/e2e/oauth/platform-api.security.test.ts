import { createRemoteJWKSet, jwtVerify } from 'jose';
import * as oidc from 'openid-client';
import { OPERATOR } from '../../../src/audit/actor.js';
import { startTestServer, type RunningGatehouse } from '../../support/harness.js';
import { authorize, clientConfig, FormAgent, loginAndExchange, PASSWORD, REDIRECT_URI } from '../../support/oauth.js';
import { userAccessToken } from '../../support/tokens.js';

/*
 * Tokens for a platform API: never a permission the organization's plan withholds, never one a
 * deleted or narrowed API no longer declares, and a management token delegates only what it carries.
 */

const PLATFORM_API = 'https://api.builds.example';
let server: RunningGatehouse;
const ids: Record<string, string> = {};
let app: oidc.Configuration;
let apiId: string;

beforeAll(async () => {
  server = await startTestServer({ plans: { free: { platformPermissions: ['builds:read'] } } });
  const gh = server.gatehouse;
  apiId = (await gh.identity.resources.create(OPERATOR, null, { identifier: PLATFORM_API, permissions: ['builds:read', 'builds:run'] })).id;
  const vendor = await gh.identity.organizations.create({ slug: 'vendor' });
  const paying = await gh.identity.organizations.create({ slug: 'paying', plan: 'pro' });
  const trial = await gh.identity.organizations.create({ slug: 'trial', plan: 'free' });
  Object.assign(ids, { paying: paying.id, trial: trial.id });
  // Eve administers both customers
  const { user } = await gh.identity.users.create({ email: 'eve@example.com', password: PASSWORD, organizationId: paying.id, roles: ['admin'] });
  await gh.identity.members.add(trial.id, user.id, ['admin']);
  const created = await gh.oauth.clients.create(OPERATOR, vendor.id, { name: 'Builds Dashboard', redirect_uris: [REDIRECT_URI], multi_organization: true });
  app = await clientConfig(server.url, created.client.clientId, created.client_secret);
  const console = await gh.oauth.clients.create(OPERATOR, paying.id, { name: 'console', redirect_uris: [REDIRECT_URI] });
  Object.assign(ids, { console: console.client.clientId, consoleSecret: console.client_secret! });
});
afterAll(async () => { await server.stop(); });

const eve = { email: 'eve@example.com', password: PASSWORD };
const REQUEST = { scope: 'openid offline_access builds:read builds:run', resource: PLATFORM_API, prompt: 'consent' };

async function scopeOf(accessToken: string, audience = PLATFORM_API) {
  const jwks = createRemoteJWKSet(new URL(`${server.url}/jwks`));
  const { payload } = await jwtVerify(accessToken, jwks, { issuer: server.url, audience });
  return String(payload.scope).split(' ').filter((s) => s.includes(':')).sort();
}

describe('tokens for a platform API', () => {
  it('never carry a permission the acting organization\'s plan withholds, even for its admin', async () => {
    const paying = await loginAndExchange(app, new FormAgent(), server.url, eve, { ...REQUEST, organization: 'paying' });
    expect(await scopeOf(paying.tokens.access_token)).toEqual(['builds:read', 'builds:run']);
    const trial = await loginAndExchange(app, new FormAgent(), server.url, eve, { ...REQUEST, organization: 'trial' });
    expect(await scopeOf(trial.tokens.access_token)).toEqual(['builds:read']);
    expect(trial.html.at(-1)).not.toContain('builds:run');
  });

  it('lose at the next refresh what the API stops declaring, and an API deleted is no audience any more', async () => {
    const { tokens } = await loginAndExchange(app, new FormAgent(), server.url, eve, { ...REQUEST, organization: 'paying' });
    await server.gatehouse.identity.resources.update(OPERATOR, null, apiId, { permissions: ['builds:read'] });
    const narrowed = await oidc.refreshTokenGrant(app, tokens.refresh_token!);
    expect(await scopeOf(narrowed.access_token)).toEqual(['builds:read']);

    await server.gatehouse.identity.resources.delete(OPERATOR, null, apiId);
    try {
      const refused = await oidc.refreshTokenGrant(app, narrowed.refresh_token!).then(() => null, (e: { error?: string }) => e.error);
      expect(refused).toBe('invalid_target');
      const url = oidc.buildAuthorizationUrl(app, {
        ...REQUEST, redirect_uri: REDIRECT_URI, organization: 'paying', code_challenge_method: 'S256',
        code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()),
      });
      const { callback } = await authorize(new FormAgent(), server.url, url, eve);
      expect(callback.searchParams.get('error')).toBe('invalid_target');
    } finally {
      apiId = (await server.gatehouse.identity.resources.create(OPERATOR, null, { identifier: PLATFORM_API, permissions: ['builds:read', 'builds:run'] })).id;
    }
  });
});

describe('management tokens delegate only what they carry', () => {
  it('an admin\'s token without the platform permission cannot give it to a key (403); with it, can', async () => {
    const without = await userAccessToken(server.url, ids.console, ids.consoleSecret, eve, ['api_keys:write']);
    const create = (token: string) => fetch(`${server.url}/v1/organizations/paying/api-keys`, {
      method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'runner', permissions: ['builds:run'] }),
    }).then(async (res) => ({ status: res.status, body: await res.json() as { code?: string } }));
    const refused = await create(without);
    expect([refused.status, refused.body.code]).toEqual([403, 'permission_escalation']);
    const withIt = await userAccessToken(server.url, ids.console, ids.consoleSecret, eve, ['api_keys:write', 'builds:run']);
    expect(await scopeOf(withIt, `${server.url}/v1`)).toEqual(['api_keys:write', 'builds:run']);
    expect((await create(withIt)).status).toBe(201);
  });
});
