import { OPERATOR } from '../../../src/audit/actor.js';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import { createRemoteResourceServer } from '../../../src/resource-server/index.js';
import { startTestServer, type RunningGatehouse } from '../../support/harness.js';
import { clientConfig, FormAgent, loginAndExchange, PASSWORD, REDIRECT_URI } from '../../support/oauth.js';

/**
 * The organization a multi-organization app acts for reaches resource servers as
 * `principal.organization`, in process and in remote mode alike (the token's `org`).
 */
const AUDIENCE = 'https://reports.beta.example';
let server: RunningGatehouse;
let api: Server;
let apiUrl: string;
const ids: Record<string, string> = {};
let token: string;

/** A Koa app answering with the principal the given middleware establishes. */
function echo(authenticate: Koa.Middleware): Koa {
  const app = new Koa();
  app.use(authenticate);
  app.use((ctx) => { ctx.body = ctx.state.principal; });
  return app;
}

beforeAll(async () => {
  server = await startTestServer();
  const gh = server.gatehouse;
  const [vendor, acme, beta] = await Promise.all(['vendor', 'acme', 'beta'].map((slug) => gh.identity.organizations.create({ slug })));
  Object.assign(ids, { acme: acme.id, beta: beta.id });
  await gh.identity.resources.create(OPERATOR, beta.id, { identifier: AUDIENCE, permissions: ['reports:read', 'reports:write'] });
  await gh.identity.roles.create(OPERATOR, beta.id, { name: 'analyst', permissions: ['reports:read'] });
  const { user } = await gh.identity.users.create({ email: 'ana@example.com', password: PASSWORD, organizationId: acme.id, roles: ['admin'] });
  await gh.identity.members.add(beta.id, user.id, ['analyst']);
  ids.user = user.id;
  const app = await gh.oauth.clients.create(OPERATOR, vendor.id, { name: 'Reports', redirect_uris: [REDIRECT_URI], multi_organization: true });
  ids.client = app.client.clientId;
  const config = await clientConfig(server.url, app.client.clientId, app.client_secret);
  ({ access_token: token } = (await loginAndExchange(config, new FormAgent(), server.url, { email: 'ana@example.com', password: PASSWORD },
    { scope: 'reports:read reports:write', resource: AUDIENCE }, { organization: beta.id })).tokens);

  const rsClient = await gh.oauth.clients.create(OPERATOR, beta.id, { name: 'Reports API', grant_types: ['client_credentials'] });
  const remote = createRemoteResourceServer({ issuer: server.url, clientId: rsClient.client.clientId, clientSecret: rsClient.client_secret!, audience: AUDIENCE });
  api = createServer(echo(remote.authenticate()).callback());
  await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
  apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => api.close(resolve));
  await server.stop();
});

const expected = () => ({ type: 'user', subject: ids.user, organization: ids.beta, client_id: ids.client, permissions: ['reports:read'] });

describe('principal.organization for a multi-organization app', () => {
  it('is the acting organization in remote mode', async () => {
    const res = await fetch(`${apiUrl}/`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject(expected());
  });

  it('is the acting organization in process', async () => {
    const local = createServer(echo(server.gatehouse.resourceServer.authenticate({ audience: AUDIENCE })).callback());
    await new Promise<void>((resolve) => local.listen(0, '127.0.0.1', resolve));
    try {
      const res = await fetch(`http://127.0.0.1:${(local.address() as AddressInfo).port}/`, { headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject(expected());
    } finally {
      await new Promise((resolve) => local.close(resolve));
    }
  });
});
