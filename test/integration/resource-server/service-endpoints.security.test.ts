import request from 'supertest';
import { createTestGatehouse } from '../../support/harness.js';
import type { Gatehouse } from '../../../src/gatehouse.js';
import { OPERATOR } from '../../../src/audit/actor.js';
import { MANAGEMENT_PERMISSIONS } from '../../../src/domain/permissions.js';
import { mintKey } from '../../support/seed.js';

/*
 * The endpoints remote resource servers share limits and DPoP proofs through: who may call them,
 * with what. They are not management-API routes (not under /v1, not in /openapi.json), so the
 * route-enumerating escalation test does not reach them, and need not: they create, change or
 * weaken no credential, role, membership or client (SPEC §2a's subject); what they write is
 * counters and single-use claims, kept under the calling client's id. Their one attack is
 * across that namespace (draining or reading another service's counters, spending or probing
 * its claims), and that is what this file tries.
 */
describe('POST /resource-server/rate-limit and /resource-server/dpop-proof', () => {
  let gh: Gatehouse;
  let basic: string;
  let clientId: string;
  /** another service, in another organization */
  let otherBasic: string;
  let otherClientId: string;
  let otherSecret: string;
  let managementKey: string;
  const basicOf = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
  beforeAll(async () => {
    gh = await createTestGatehouse();
    const org = await gh.identity.organizations.create({ slug: 'svc' });
    const { client, client_secret } = await gh.oauth.clients.create(OPERATOR, org.id, { name: 'API', grant_types: ['client_credentials'] });
    clientId = client.clientId;
    basic = basicOf(client.clientId, client_secret!);
    const otherOrg = await gh.identity.organizations.create({ slug: 'svc-other' });
    const other = await gh.oauth.clients.create(OPERATOR, otherOrg.id, { name: 'Other API', grant_types: ['client_credentials'] });
    otherClientId = other.client.clientId;
    otherSecret = other.client_secret!;
    otherBasic = basicOf(otherClientId, otherSecret);
    managementKey = (await mintKey(gh, org.id, MANAGEMENT_PERMISSIONS)).key;
  });
  afterAll(() => gh.close());

  const post = (path: string, body: unknown, auth: string | null = basic) => {
    const req = request(gh.app.callback()).post(path).set('content-type', 'application/json');
    if (auth) req.set('authorization', auth);
    return req.send(JSON.stringify(body));
  };
  const take = { bucket: 'key:key_1', limit: 2, window_seconds: 60, cost: 1 };

  it('refuses callers that are not an authenticated confidential client', async () => {
    expect((await post('/resource-server/rate-limit', take, null)).status).toBe(401);
    const wrong = await post('/resource-server/rate-limit', take, `Basic ${Buffer.from(`${clientId}:nope`).toString('base64')}`);
    expect(wrong.status).toBe(401);
    expect(wrong.headers['www-authenticate']).toMatch(/^Basic/);
    expect((await post('/resource-server/dpop-proof', { key: 'k', expires_at: Date.now() + 1000 }, null)).status).toBe(401);
  });

  it('takes from a counter of the caller\'s own, exactly to the limit', async () => {
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push((await post('/resource-server/rate-limit', take)).body.allowed);
    expect(answers).toEqual([true, true, false]);
    // the same bucket name in the store is untouched: the caller's is namespaced by its client id
    expect((await gh.store.rateLimits.take({ bucket: 'key:key_1', limit: 2, windowMs: 60_000, cost: 2, now: Date.now() })).allowed).toBe(true);
  });

  it('refuses every credential but a client\'s own secret: an API key holding every management permission gets 401, as Bearer or X-API-Key', async () => {
    for (const path of ['/resource-server/rate-limit', '/resource-server/dpop-proof']) {
      const body = path.endsWith('rate-limit') ? take : { key: 'k', expires_at: Date.now() + 1000 };
      expect((await post(path, body, `Bearer ${managementKey}`)).status).toBe(401);
      expect((await post(path, body, null).set('x-api-key', managementKey)).status).toBe(401);
      // a client id with another client's secret
      expect((await post(path, body, basicOf(clientId, otherSecret))).status).toBe(401);
    }
  });

  it('neither drains nor reveals another client\'s counter, whatever bucket name it sends', async () => {
    const bucket = { bucket: 'org:shared', limit: 3, window_seconds: 60, cost: 1 };
    const mine = [];
    for (let i = 0; i < 3; i++) mine.push((await post('/resource-server/rate-limit', bucket)).body);
    expect(mine.map((b) => [b.allowed, b.used])).toEqual([[true, 1], [true, 2], [true, 3]]);
    // the other service, same bucket name: its own counter from zero, and the answer says nothing of ours
    const theirs = await post('/resource-server/rate-limit', bucket, otherBasic);
    expect([theirs.body.allowed, theirs.body.used]).toEqual([true, 1]);
    // names built to look like ours land in its namespace too
    for (const name of [`rs:${clientId}:org:shared`, `../${clientId}:org:shared`, `${clientId}:org:shared`]) {
      const forged = await post('/resource-server/rate-limit', { ...bucket, bucket: name, cost: 3 }, otherBasic);
      expect([forged.body.allowed, forged.body.used]).toEqual([true, 3]);
    }
    // ours is exactly where we left it: full, not drained further
    expect((await post('/resource-server/rate-limit', bucket)).body).toMatchObject({ allowed: false, used: 3 });
    expect((await post('/resource-server/rate-limit', { ...bucket, bucket: 'org:fresh' }, basic)).body).toMatchObject({ allowed: true, used: 1 });
  });

  it('neither spends nor probes another client\'s single-use claims', async () => {
    const claim = { key: 'dpop:jti-1', expires_at: Date.now() + 60_000 };
    expect((await post('/resource-server/dpop-proof', claim, otherBasic)).body).toEqual({ claimed: true });
    // the other's claim did not use up ours: we claim the same key once, ourselves
    expect((await post('/resource-server/dpop-proof', claim)).body).toEqual({ claimed: true });
    expect((await post('/resource-server/dpop-proof', claim)).body).toEqual({ claimed: false });
    // and its answer about a key we hold says only what its own namespace holds
    expect((await post('/resource-server/dpop-proof', { ...claim, key: 'dpop:jti-2' })).body).toEqual({ claimed: true });
    expect((await post('/resource-server/dpop-proof', { ...claim, key: 'dpop:jti-2' }, otherBasic)).body).toEqual({ claimed: true });
    expect((await post('/resource-server/dpop-proof', { ...claim, key: `rs:${clientId}:dpop:jti-2` }, otherBasic)).body).toEqual({ claimed: true });
    expect(otherClientId).not.toBe(clientId);
  });

  it('claims a key once', async () => {
    const claim = { key: 'dpop:abc', expires_at: Date.now() + 60_000 };
    expect((await post('/resource-server/dpop-proof', claim)).body).toEqual({ claimed: true });
    expect((await post('/resource-server/dpop-proof', claim)).body).toEqual({ claimed: false });
  });

  it.each([
    ['a bucket name over 200 characters', '/resource-server/rate-limit', { ...take, bucket: 'x'.repeat(201) }],
    ['a window over a day', '/resource-server/rate-limit', { ...take, window_seconds: 86_401 }],
    ['a fractional cost', '/resource-server/rate-limit', { ...take, cost: 0.5 }],
    ['a string limit', '/resource-server/rate-limit', { ...take, limit: '2' }],
    ['a claim longer than 15 minutes', '/resource-server/dpop-proof', { key: 'k', expires_at: Date.now() + 16 * 60_000 }],
    ['a claim already expired', '/resource-server/dpop-proof', { key: 'k', expires_at: Date.now() - 1000 }],
    ['an array body', '/resource-server/dpop-proof', []],
  ])('answers 400 invalid_request to %s', async (_label, path, body) => {
    const res = await post(path, body);
    expect([res.status, res.body.error]).toEqual([400, 'invalid_request']);
  });
});
