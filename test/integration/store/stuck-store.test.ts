import Koa from 'koa';
import request from 'supertest';
import type { Gatehouse } from '../../../src/gatehouse.js';
import { openStore } from '../../../src/store/open.js';
import type { Store } from '../../../src/store/ports.js';
import { createTestGatehouse } from '../../support/harness.js';
import { mintKey } from '../../support/seed.js';
import { OPERATOR } from '../../../src/audit/actor.js';

/**
 * A real store that can be made to hang: while `stuck`, every port method and `ping` return a
 * promise that never settles, as a MongoDB without a majority (or a hung server) would.
 */
function stuckable(store: Store): { store: Store; stuck: (on: boolean) => void; calls: string[] } {
  let stuck = false;
  const calls: string[] = [];
  const never = () => new Promise<never>(() => {});
  const port = <T extends object>(portName: string, target: T): T => new Proxy(target, {
    get(t, name) {
      const value = Reflect.get(t, name) as unknown;
      return typeof value === 'function' ? (...args: unknown[]) => {
        calls.push(`${portName}.${String(name)}`);
        return stuck ? never() : (value as (...a: unknown[]) => unknown).apply(t, args);
      } : value;
    },
  });
  const wrapped: Record<string, unknown> = { ...store, ping: () => (stuck ? never() : store.ping()) };
  for (const [name, value] of Object.entries(store)) {
    if (name !== 'migrations' && typeof value === 'object' && value !== null) wrapped[name] = port(name, value);
  }
  return { store: wrapped as unknown as Store, stuck: (on) => { stuck = on; }, calls };
}

describe('a store that stops answering', () => {
  let raw: Store;
  let gh: Gatehouse;
  let stuck: (on: boolean) => void;
  let calls: string[];
  let key: string;
  let orgId: string;

  beforeAll(async () => {
    raw = await openStore('sqlite::memory:');
    const s = stuckable(raw);
    stuck = s.stuck;
    calls = s.calls;
    gh = await createTestGatehouse({ store: { timeoutMs: 300 } }, { store: s.store });
    orgId = (await gh.identity.organizations.create({ slug: 'acme' })).id;
    key = (await mintKey(gh, orgId)).key;
  });
  afterEach(() => stuck(false));
  afterAll(async () => {
    await gh.close();
    await raw.close();
  });

  const expectStoreUnavailable = (res: request.Response, started: number) => {
    expect(res.status).toBe(503);
    expect(res.type).toBe('application/problem+json');
    expect(res.headers['retry-after']).toBe('5');
    expect(res.body).toEqual({
      type: 'https://gatehouse.dev/problems/store_unavailable', title: 'Service unavailable', status: 503,
      detail: 'The data store is not answering; retry shortly.', code: 'store_unavailable',
    });
    expect(Date.now() - started).toBeLessThan(3000);
  };

  it('answers an API-key request 503 problem+json within the store deadline, not a hang', async () => {
    stuck(true);
    const started = Date.now();
    const res = await request(gh.app.callback()).get(`/v1/organizations/${orgId}/api-keys`).set('X-API-Key', key);
    expectStoreUnavailable(res, started);
  });

  it('answers a management request 503 when the key is cached but the route\'s read hangs', async () => {
    const ok = await request(gh.app.callback()).get(`/v1/organizations/${orgId}/api-keys`).set('X-API-Key', key);
    expect(ok.status).toBe(200);
    stuck(true);
    const started = Date.now();
    const res = await request(gh.app.callback()).get(`/v1/organizations/${orgId}/api-keys`).set('X-API-Key', key);
    expectStoreUnavailable(res, started);
  });

  describe('a resource route behind the in-process middleware (respond mode, no error boundary of its own)', () => {
    const protectedApp = () => {
      const app = new Koa();
      app.use(gh.resourceServer.authenticate());
      app.use((ctx) => { ctx.body = { key_id: (ctx.state.principal as { key_id?: string }).key_id }; });
      return app.callback();
    };

    it('serves a cached API key while the store hangs, making no store call on the request path', async () => {
      const app = protectedApp();
      expect((await request(app).get('/invoices').set('X-API-Key', key)).status).toBe(200);
      stuck(true);
      calls.length = 0;
      const started = Date.now();
      const res = await request(app).get('/invoices').set('X-API-Key', key);
      expect([res.status, Date.now() - started < 250]).toEqual([200, true]);
      // the staleness poll runs beside requests, on its own timer; the request itself called nothing
      expect(calls.filter((c) => c !== 'apiKeys.changedSince')).toEqual([]);
    });

    it('answers a key it has not cached 503 store_unavailable within the deadline, as Gatehouse\'s own routes do', async () => {
      const fresh = (await mintKey(gh, orgId)).key;
      stuck(true);
      const started = Date.now();
      expectStoreUnavailable(await request(protectedApp()).get('/invoices').set('X-API-Key', fresh), started);
    });
  });

  describe('the OAuth endpoints (oidc-provider)', () => {
    let client: { id: string; secret: string };
    beforeAll(async () => {
      const created = await gh.oauth.clients.create(OPERATOR, orgId, { name: 'Robot', grant_types: ['client_credentials'], redirect_uris: [], permissions: ['users:read'] });
      client = { id: created.client.clientId, secret: created.client_secret! };
    });

    it('answers the token endpoint 503 temporarily_unavailable with Retry-After, not a 500 server_error', async () => {
      stuck(true);
      const started = Date.now();
      const res = await request(gh.app.callback()).post('/token').type('form').auth(client.id, client.secret)
        .send({ grant_type: 'client_credentials', scope: 'users:read' });
      expect([res.status, res.headers['retry-after'], res.body]).toEqual([503, '5', { error: 'temporarily_unavailable', error_description: 'The data store is not answering; retry shortly.' }]);
      expect(Date.now() - started).toBeLessThan(3000);
    });

    it('answers a browser on the authorization endpoint with a 503 page that says to retry', async () => {
      stuck(true);
      const res = await request(gh.app.callback()).get('/auth').accept('text/html')
        .query({ client_id: client.id, response_type: 'code', redirect_uri: 'https://app.example/cb', scope: 'openid' });
      expect([res.status, res.headers['retry-after'], res.type]).toEqual([503, '5', 'text/html']);
      expect(res.text).toContain('temporarily unavailable');
    });
  });

  it('turns /readyz 503 while /healthz stays 200, and ready again once the store answers', async () => {
    stuck(true);
    const started = Date.now();
    const ready = await request(gh.app.callback()).get('/readyz');
    expect(ready.status).toBe(503);
    expect(ready.body).toEqual({ status: 'unavailable', store: 'sqlite' });
    expect(Date.now() - started).toBeLessThan(3000);
    expect((await request(gh.app.callback()).get('/healthz')).status).toBe(200);
    stuck(false);
    expect((await request(gh.app.callback()).get('/readyz')).status).toBe(200);
  });
});
