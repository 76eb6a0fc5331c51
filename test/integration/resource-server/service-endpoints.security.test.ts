import request from 'supertest';
import { createTestGatehouse } from '../../support/harness.js';
import type { Gatehouse } from '../../../src/gatehouse.js';
import { OPERATOR } from '../../../src/audit/actor.js';

/** The endpoints remote resource servers share limits and DPoP proofs through: who may call them, with what. */
describe('POST /resource-server/rate-limit and /resource-server/dpop-proof', () => {
  let gh: Gatehouse;
  let basic: string;
  let clientId: string;
  beforeAll(async () => {
    gh = await createTestGatehouse();
    const org = await gh.identity.organizations.create({ slug: 'svc' });
    const { client, client_secret } = await gh.oauth.clients.create(OPERATOR, org.id, { name: 'API', grant_types: ['client_credentials'] });
    clientId = client.clientId;
    basic = `Basic ${Buffer.from(`${client.clientId}:${client_secret}`).toString('base64')}`;
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
