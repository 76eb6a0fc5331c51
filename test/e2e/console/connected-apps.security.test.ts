import { OPERATOR } from '../../../src/audit/actor.js';
import { clientConfig, FormAgent, loginAndExchange, REDIRECT_URI } from '../../support/oauth.js';
import { PASSWORD, startConsoleWorld, type ConsoleWorld } from './fixture.js';
import { csrfOf, signedInAs } from './http-session.js';

/** The Connected apps page offers and does only what the person's token may do; the API decides anyway. */
let world: ConsoleWorld;
beforeAll(async () => {
  world = await startConsoleWorld();
});
afterAll(() => world.server.stop());

const signedIn = (email = world.admin) => signedInAs(world.server.url, email);

describe('console connected apps security', () => {
  it('offers no Disconnect for an app holding a permission the person lacks, and the API refuses a forged one', async () => {
    const gh = world.server.gatehouse;
    const tools = await gh.identity.organizations.create({ slug: 'tools', name: 'Tools' });
    const app = await gh.oauth.clients.create(OPERATOR, tools.id, { name: 'Insights', redirect_uris: [REDIRECT_URI], multi_organization: true });
    await loginAndExchange(await clientConfig(world.server.url, app.client.clientId, app.client_secret), new FormAgent(), world.server.url,
      { email: world.admin, password: PASSWORD }, { scope: 'openid api_keys:read', organization: 'acme' });
    await gh.identity.roles.create(OPERATOR, world.acme.id, { name: 'apps-admin', permissions: ['clients:read', 'clients:write'] });
    await gh.identity.users.create({ email: 'apps@acme.test', password: PASSWORD, organizationId: world.acme.id, roles: ['apps-admin'] });
    const { client } = await signedIn('apps@acme.test');
    // without organizations:read the console learns the slug from its own request
    expect(client.visited.slice(-2)).toEqual(['/console/o/acme', '/console/o/acme/oauth-apps']);
    const listing = await (await client.get('/console/o/acme/connected-apps')).text();
    expect(listing).toContain('It holds permissions you lack (api_keys:read)');
    expect(listing).not.toContain('Disconnect<span class="vh"> Insights');
    const path = `/console/o/acme/connected-apps/${app.client.clientId}/disconnect`;
    expect((await client.get(path)).status).toBe(403);
    const forged = await client.request(path, { form: { _csrf: csrfOf(listing) } });
    expect(forged.status).toBe(403);
    expect(await forged.text()).toContain('permissions you lack');
    expect(await gh.store.appConnections.listByClient(world.acme.id, app.client.clientId, 10)).toHaveLength(1);
  });

  it('lets an admin disconnect an app holding another API\'s permissions (the console\'s token carries the organization\'s vocabulary)', async () => {
    const gh = world.server.gatehouse;
    const billing = await gh.identity.resources.create(OPERATOR, world.acme.id, { identifier: 'https://billing.acme.test', permissions: ['invoices:read'] });
    await gh.identity.roles.create(OPERATOR, world.acme.id, { name: 'finance', permissions: ['invoices:read'] });
    await gh.identity.users.create({ email: 'finance@acme.test', password: PASSWORD, organizationId: world.acme.id, roles: ['finance'] });
    const owner = await gh.identity.organizations.create({ slug: 'ledger', name: 'Ledger' });
    const app = await gh.oauth.clients.create(OPERATOR, owner.id, { name: 'Ledger sync', redirect_uris: [REDIRECT_URI], multi_organization: true });
    await loginAndExchange(await clientConfig(world.server.url, app.client.clientId, app.client_secret), new FormAgent(), world.server.url,
      { email: 'finance@acme.test', password: PASSWORD }, { scope: 'openid invoices:read', resource: billing.identifier, organization: 'acme' });
    expect((await gh.store.appConnections.listByClient(world.acme.id, app.client.clientId, 5))[0].resources)
      .toEqual([{ indicator: billing.identifier, scopes: ['invoices:read'] }]);
    const { client } = await signedIn();
    const listing = await (await client.get('/console/o/acme/connected-apps')).text();
    expect(listing).toContain('Disconnect<span class="vh"> Ledger sync');
    const done = await client.follow(await client.request(`/console/o/acme/connected-apps/${app.client.clientId}/disconnect`, { form: { _csrf: csrfOf(listing) } }));
    expect(done.status).toBe(200);
    expect(await gh.store.appConnections.listByClient(world.acme.id, app.client.clientId, 5)).toEqual([]);
  });
});
