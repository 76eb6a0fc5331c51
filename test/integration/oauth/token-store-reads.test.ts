import { countingStore } from '../../../bench/counting-store.js';
import { OPERATOR } from '../../../src/audit/actor.js';
import { openStore } from '../../../src/store/open.js';
import type { Store } from '../../../src/store/ports.js';
import { startTestServer, type RunningGatehouse } from '../../support/harness.js';

/*
 * What a client_credentials token costs the store: the provider reads the client once per
 * request (so a rotation or deletion applies to the next one), and the secret it just read is
 * compared in memory; the vocabulary (platform and own resources, the plan) is read only where it
 * can change the scope: not for the organization's own API, nor at the management API for a
 * client holding management permissions only. Kept here because each extra read is a SQLite
 * query or a MongoDB round trip on every token (`npm run bench` row "client_credentials").
 */
describe('the store reads of a client_credentials token', () => {
  let raw: Store;
  let server: RunningGatehouse;
  let calls: ReturnType<typeof countingStore>['calls'];
  let robot: { id: string; secret: string };
  let mixed: { id: string; secret: string };
  let orgId: string;

  beforeAll(async () => {
    raw = await openStore('sqlite::memory:');
    const counted = countingStore(raw);
    calls = counted.calls;
    server = await startTestServer({}, { store: counted.store });
    const gh = server.gatehouse;
    orgId = (await gh.identity.organizations.create({ slug: 'acme' })).id;
    await gh.identity.resources.create(OPERATOR, orgId, { identifier: 'https://invoices.acme.test', permissions: ['invoices:read'] });
    const register = async (permissions: string[]) => {
      const created = await gh.oauth.clients.create(OPERATOR, orgId, { name: 'robot', grant_types: ['client_credentials'], permissions });
      return { id: created.client.clientId, secret: created.client_secret! };
    };
    robot = await register(['users:read']);
    mixed = await register(['users:read', 'invoices:read']);
  });
  afterAll(async () => {
    await server.stop();
    await raw.close();
  });

  const token = async (form: Record<string, string>, client = robot, secret = client.secret) => {
    const res = await fetch(`${server.url}/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${client.id}:${secret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', ...form }),
    });
    return { status: res.status, body: await res.json() as Record<string, string> };
  };

  const scopeOf = (accessToken: string) => JSON.parse(Buffer.from(accessToken.split('.')[1], 'base64url').toString()).scope;

  it.each([
    ['the management API, for a client holding management permissions only', () => robot, { scope: 'users:read' }, 'users:read'],
    ["the organization's own API", () => mixed, { scope: 'invoices:read', resource: 'https://invoices.acme.test' }, 'invoices:read'],
  ])('reads the client once and lists no resources, for %s', async (_label, who, form, scope) => {
    await token(form, who());
    calls.reset();
    const res = await token(form, who());
    expect([res.status, scopeOf(res.body.access_token)]).toEqual([200, scope]);
    expect(calls.of('clients.findById')).toBe(1);
    expect(calls.of('resources.list')).toBe(0);
  });

  it('reads the vocabulary at the management API for a client holding other permissions, which it may narrow', async () => {
    calls.reset();
    const res = await token({ scope: 'users:read invoices:read' }, mixed);
    expect([res.status, scopeOf(res.body.access_token)]).toEqual([200, 'users:read invoices:read']);
    expect(calls.of('resources.list')).toBeGreaterThan(0);
  });

  it('reads the store once more for a secret that is not the current one, and refuses a wrong one', async () => {
    calls.reset();
    const res = await token({ scope: 'users:read' }, robot, 'not-the-secret');
    expect([res.status, res.body.error]).toEqual([401, 'invalid_client']);
    expect(calls.of('clients.findById')).toBe(2);
  });
});
