import { Writable } from 'node:stream';
import { MANAGEMENT_PERMISSIONS } from '../../../src/domain/permissions.js';
import { createLogger } from '../../../src/ops/logger.js';
import { mintKey, seededSuite, seedOrganization } from '../../support/seed.js';
import { startWebhookReceiver, type WebhookReceiver } from '../../support/webhook-receiver.js';

let logs = '';
const sink = new Writable({ write(chunk, _enc, done) { logs += chunk.toString(); done(); } });
const s = seededSuite({ logLevel: 'debug', webhooks: { allowPrivateNetworks: true, pollIntervalMs: 20 } }, { logger: createLogger('debug', sink) });
let receiver: WebhookReceiver;
let globexAdmin: string;
let globexId: string;
beforeAll(async () => {
  receiver = await startWebhookReceiver();
  const globex = await seedOrganization(s.gatehouse, 'globex');
  globexId = globex.id;
  globexAdmin = (await mintKey(s.gatehouse, globex.id, MANAGEMENT_PERMISSIONS)).key;
});
afterAll(() => receiver.close());

const as = (key: string) => ({ 'X-API-Key': key });
const base = (org = 'acme') => `/v1/organizations/${org}/webhooks`;
const create = (key: string, body: object, org = 'acme') => s.api().post(base(org)).set(as(key)).send(body);

async function acmeEndpoint(events = ['api_key.created']) {
  const res = await create(s.adminKey, { url: `${receiver.url}/acme`, events });
  expect(res.status).toBe(201);
  receiver.secrets.push(res.body.secret);
  return res.body as { id: string; secret: string };
}

describe('webhooks: who may do what', () => {
  it('needs webhooks:read to read and webhooks:write to change (403 insufficient_scope)', async () => {
    const endpoint = await acmeEndpoint();
    // a write permission of another noun, so the refusals below are about the webhooks one (not a read-only key)
    const reader = await mintKey(s.gatehouse, s.org.id, ['webhooks:read', 'roles:write']);
    expect((await s.api().get(base()).set(as(reader.key))).status).toBe(200);
    expect((await s.api().get(`${base()}/${endpoint.id}/deliveries`).set(as(reader.key))).status).toBe(200);
    const nobody = await mintKey(s.gatehouse, s.org.id, ['api_keys:read']);
    for (const res of [
      await s.api().get(base()).set(as(nobody.key)),
      await create(reader.key, { url: 'https://hooks.example.com/x', events: ['api_key.created'] }),
      await s.api().patch(`${base()}/${endpoint.id}`).set(as(reader.key)).send({ enabled: false }),
      await s.api().delete(`${base()}/${endpoint.id}`).set(as(reader.key)),
      await s.api().post(`${base()}/${endpoint.id}/rotate-secret`).set(as(reader.key)).send({}),
    ]) {
      expect({ status: res.status, code: res.body.code }).toEqual({ status: 403, code: 'insufficient_scope' });
    }
  });

  it('refuses a subscription to events whose data the caller may not read (403 permission_escalation)', async () => {
    const writer = await mintKey(s.gatehouse, s.org.id, ['webhooks:write', 'webhooks:read', 'api_keys:read']);
    const allowed = await create(writer.key, { url: 'https://hooks.example.com/keys', events: ['api_key.created', 'api_key.expiring'] });
    expect(allowed.status).toBe(201);
    for (const events of [['member.joined'], ['*'], ['api_key.created', 'app.connected']]) {
      const res = await create(writer.key, { url: 'https://hooks.example.com/x', events });
      expect({ status: res.status, code: res.body.code }).toEqual({ status: 403, code: 'permission_escalation' });
    }
    const widen = await s.api().patch(`${base()}/${allowed.body.id}`).set(as(writer.key)).send({ events: ['refresh_token.reuse_detected'] });
    expect({ status: widen.status, code: widen.body.code }).toEqual({ status: 403, code: 'permission_escalation' });
  });

  it('lets nobody re-key, redirect, silence or delete an endpoint carrying data they may not read', async () => {
    const strong = await acmeEndpoint(['member.joined', 'api_key.created']);
    const weak = await mintKey(s.gatehouse, s.org.id, ['webhooks:write', 'webhooks:read', 'api_keys:read']);
    for (const res of [
      await s.api().post(`${base()}/${strong.id}/rotate-secret`).set(as(weak.key)).send({}),
      await s.api().patch(`${base()}/${strong.id}`).set(as(weak.key)).send({ url: 'https://attacker.example.com/' }),
      await s.api().patch(`${base()}/${strong.id}`).set(as(weak.key)).send({ enabled: false }),
      await s.api().delete(`${base()}/${strong.id}`).set(as(weak.key)),
    ]) {
      expect({ status: res.status, code: res.body.code }).toEqual({ status: 403, code: 'permission_escalation' });
    }
    expect((await s.api().get(`${base()}/${strong.id}`).set(as(s.adminKey))).body).toMatchObject({ url: `${receiver.url}/acme`, enabled: true });
    // nor send its events again
    const redeliver = await s.api().post(`${base()}/${strong.id}/deliveries/whd_any/redeliver`).set(as(weak.key));
    expect({ status: redeliver.status, code: redeliver.body.code }).toEqual({ status: 403, code: 'permission_escalation' });
  });

  it('lets a test key change no endpoint: they receive live events (403 environment_escalation)', async () => {
    const endpoint = await acmeEndpoint();
    const test = await mintKey(s.gatehouse, s.org.id, MANAGEMENT_PERMISSIONS, { environment: 'test' });
    for (const res of [
      await create(test.key, { url: 'https://hooks.example.com/test', events: ['api_key.created'] }),
      await s.api().patch(`${base()}/${endpoint.id}`).set(as(test.key)).send({ enabled: false }),
      await s.api().post(`${base()}/${endpoint.id}/rotate-secret`).set(as(test.key)).send({}),
      await s.api().post(`${base()}/${endpoint.id}/deliveries/whd_any/redeliver`).set(as(test.key)),
      await s.api().delete(`${base()}/${endpoint.id}`).set(as(test.key)),
    ]) {
      expect({ status: res.status, code: res.body.code }).toEqual({ status: 403, code: 'environment_escalation' });
    }
    expect((await s.api().get(base()).set(as(test.key))).status).toBe(200);
  });
});

describe('webhooks: organizations stay apart', () => {
  it("answers 404 for another organization's endpoints and deliveries, under either organization's path", async () => {
    const endpoint = await acmeEndpoint();
    const delivery = (await s.gatehouse.store.webhookDeliveries.listByEndpoint(s.org.id, endpoint.id, { limit: 1 })).items[0]?.id ?? 'whd_x';
    for (const org of ['globex', 'acme']) {
      for (const res of [
        await s.api().get(`${base(org)}/${endpoint.id}`).set(as(globexAdmin)),
        await s.api().patch(`${base(org)}/${endpoint.id}`).set(as(globexAdmin)).send({ url: 'https://attacker.example.com/' }),
        await s.api().delete(`${base(org)}/${endpoint.id}`).set(as(globexAdmin)),
        await s.api().post(`${base(org)}/${endpoint.id}/rotate-secret`).set(as(globexAdmin)).send({}),
        await s.api().get(`${base(org)}/${endpoint.id}/deliveries`).set(as(globexAdmin)),
        await s.api().post(`${base(org)}/${endpoint.id}/deliveries/${delivery}/redeliver`).set(as(globexAdmin)),
      ]) {
        expect(res.status).toBe(404);
      }
    }
    expect((await s.api().get(base('globex')).set(as(globexAdmin))).body.data).toEqual([]);
  });

  it("never delivers another organization's events", async () => {
    await acmeEndpoint(['api_key.created']);
    const globexHook = await create(globexAdmin, { url: `${receiver.url}/globex`, events: ['api_key.created'] }, 'globex');
    receiver.secrets.push(globexHook.body.secret);
    const acmeKey = (await s.api().post('/v1/organizations/acme/api-keys').set(as(s.adminKey)).send({ name: 'acme only', permissions: ['users:read'] })).body;
    const globexKey = (await s.api().post('/v1/organizations/globex/api-keys').set(as(globexAdmin)).send({ name: 'globex only', permissions: ['users:read'] })).body;
    const seen = async (path: string, keyId: string) => {
      for (let i = 0; i < 250; i++) {
        if (receiver.requests.some((r) => r.path === path && r.verified?.data.api_key?.id === keyId)) return true;
        await new Promise((r) => setTimeout(r, 20));
      }
      return false;
    };
    expect(await seen('/hook/globex', globexKey.id)).toBe(true);
    expect(await seen('/hook/acme', acmeKey.id)).toBe(true);
    expect(receiver.requests.filter((r) => r.path === '/hook/globex').map((r) => r.verified?.data.api_key?.organization)).toEqual(
      receiver.requests.filter((r) => r.path === '/hook/globex').map(() => globexId));
    expect(receiver.requests.some((r) => r.path.startsWith('/hook/acme') && r.body.includes(globexKey.id))).toBe(false);
  });
});

describe('webhooks: secrets', () => {
  it('shows a secret once: never in reads, updates, the audit log, the logs, nor the store in plaintext', async () => {
    const { id, secret } = await acmeEndpoint();
    const rotated = (await s.api().post(`${base()}/${id}/rotate-secret`).set(as(s.adminKey)).send({})).body.secret as string;
    const answers = [
      await s.api().get(`${base()}/${id}`).set(as(s.adminKey)),
      await s.api().get(base()).set(as(s.adminKey)),
      await s.api().patch(`${base()}/${id}`).set(as(s.adminKey)).send({ description: 'x' }),
      await s.api().get(`/v1/organizations/acme/audit-logs?limit=100`).set(as(s.adminKey)),
    ];
    const stored = JSON.stringify(await s.gatehouse.store.webhookEndpoints.findById(s.org.id, id));
    for (const value of [secret, rotated]) {
      const material = value.slice('whsec_'.length, 'whsec_'.length + 20);
      for (const res of answers) expect(JSON.stringify(res.body)).not.toContain(material);
      expect(logs).not.toContain(material);
      expect(stored).not.toContain(material);
    }
    expect(answers[0].body.secret).toBeUndefined();
    expect(logs).toContain('webhook'); // the logs did see webhook work: their silence about secrets means something
  });

  it('never logs nor audits the query of an endpoint URL (it may hold the receiver\'s own token)', async () => {
    const res = await create(s.adminKey, { url: `${receiver.url}/acme?token=receiver-token-in-query`, events: ['api_key.created'] });
    expect(res.status).toBe(201);
    receiver.secrets.push(res.body.secret);
    await s.api().post('/v1/organizations/acme/api-keys').set(as(s.adminKey)).send({ name: 'logged', permissions: ['users:read'] });
    for (let i = 0; i < 250 && !receiver.requests.some((r) => r.path.includes('receiver-token-in-query')); i++) await new Promise((r) => setTimeout(r, 20));
    expect(receiver.requests.some((r) => r.path.includes('receiver-token-in-query'))).toBe(true);
    await new Promise((r) => setTimeout(r, 100)); // the delivery's log line
    expect(logs).toContain('/hook/acme');
    expect(logs).not.toContain('receiver-token-in-query');
    const audit = await s.api().get('/v1/organizations/acme/audit-logs?limit=100').set(as(s.adminKey));
    expect(JSON.stringify(audit.body)).not.toContain('receiver-token-in-query');
  });

  it('keeps a sealed secret bound to its endpoint: moved to another endpoint it does not open', async () => {
    const a = await acmeEndpoint();
    const b = await acmeEndpoint();
    const stored = (await s.gatehouse.store.webhookEndpoints.findById(s.org.id, a.id))!;
    const { secretSealContext } = await import('../../../src/webhooks/signing.js');
    expect(s.gatehouse.secrets.unseal(stored.sealedSecret, secretSealContext(a.id))).toBe(a.secret);
    expect(() => s.gatehouse.secrets.unseal(stored.sealedSecret, secretSealContext(b.id))).toThrow();
  });
});
