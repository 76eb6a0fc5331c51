import { seededSuite } from '../../support/seed.js';
import { startWebhookReceiver, type WebhookReceiver } from '../../support/webhook-receiver.js';

const s = seededSuite({ webhooks: { allowPrivateNetworks: true, pollIntervalMs: 20 } });
let receiver: WebhookReceiver;
beforeAll(async () => { receiver = await startWebhookReceiver(); });
afterAll(() => receiver.close());

const auth = () => ({ Authorization: `Bearer ${s.adminKey}` });
const webhooks = () => `/v1/organizations/${s.org.slug}/webhooks`;

async function createEndpoint(events: string[] = ['api_key.created', 'api_key.revoked'], path = '') {
  const res = await s.api().post(webhooks()).set(auth()).send({ url: receiver.url + path, events, description: 'billing sync' });
  expect(res.status).toBe(201);
  receiver.secrets.push(res.body.secret);
  return res.body as { id: string; secret: string };
}

async function createKey(name: string) {
  const res = await s.api().post(`/v1/organizations/${s.org.id}/api-keys`).set(auth()).send({ name, permissions: ['users:read'] });
  expect(res.status).toBe(201);
  return res.body as { id: string };
}

const messageAbout = (keyId: string, type: string) =>
  [...receiver.messages.entries()].find(([, m]) => m.type === type && m.data.api_key?.id === keyId);

async function eventually<T>(probe: () => T | undefined | Promise<T | undefined>, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== null) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('webhooks (happy paths)', () => {
  it('creates an endpoint (201) with a whsec_ secret shown once, then lists and gets it without the secret', async () => {
    const created = await createEndpoint();
    expect(created).toMatchObject({
      object: 'webhook_endpoint', organization: s.org.id, url: receiver.url, events: ['api_key.created', 'api_key.revoked'],
      description: 'billing sync', enabled: true, disabled_reason: null, failing_since: null,
    });
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const one = await s.api().get(`${webhooks()}/${created.id}`).set(auth());
    expect(one.status).toBe(200);
    expect(one.body).toEqual({ ...created, secret: undefined });
    const list = await s.api().get(webhooks()).set(auth());
    expect(list.body.data.map((e: { id: string }) => e.id)).toContain(created.id);
    expect(JSON.stringify(list.body)).not.toContain(created.secret.slice(6));
  });

  it('delivers api_key.created as Standard Webhooks, verified by the standardwebhooks package', async () => {
    const key = await createKey('webhooked');
    const [id, message] = await eventually(() => messageAbout(key.id, 'api_key.created'));
    expect(id).toMatch(/^evt_/);
    expect(message.data.api_key).toMatchObject({ object: 'api_key', id: key.id, name: 'webhooked', organization: s.org.id, status: 'active' });
    expect(Date.parse(message.timestamp)).not.toBeNaN();
    const raw = receiver.requests.find((r) => r.headers['webhook-id'] === id)!;
    expect(raw.headers['content-type']).toBe('application/json');
    expect(Math.abs(Number(raw.headers['webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(60);
    expect(raw.body).not.toMatch(/ak_live_|digest/);
  });

  it('lists the endpoint\'s deliveries with their outcome, and redelivers one with the same webhook-id', async () => {
    const endpoint = (await s.api().get(webhooks()).set(auth())).body.data[0] as { id: string };
    const key = await createKey('redelivered');
    const [eventId] = await eventually(() => messageAbout(key.id, 'api_key.created'));
    const delivery = await eventually(async () => {
      const res = await s.api().get(`${webhooks()}/${endpoint.id}/deliveries`).set(auth());
      return (res.body.data as Array<Record<string, any>>).find((d) => d.event_id === eventId && d.status === 'succeeded');
    });
    expect(delivery).toMatchObject({ object: 'webhook_delivery', event_type: 'api_key.created', attempts: 1, last_status_code: 204, last_error: null });

    const before = receiver.requests.filter((r) => r.headers['webhook-id'] === eventId).length;
    const again = await s.api().post(`${webhooks()}/${endpoint.id}/deliveries/${delivery.id}/redeliver`).set(auth());
    expect(again.status).toBe(202);
    expect(again.body).toMatchObject({ event_id: eventId, redelivery_of: delivery.id, status: 'pending' });
    await eventually(() => (receiver.requests.filter((r) => r.headers['webhook-id'] === eventId && r.verified).length > before ? true : undefined));
  });

  it('rotates the secret: during the overlap each message carries both signatures, each verifying alone', async () => {
    const endpoint = await createEndpoint(['api_key.revoked'], '/rotating');
    const oldSecret = endpoint.secret;
    const rotated = await s.api().post(`${webhooks()}/${endpoint.id}/rotate-secret`).set(auth()).send({ grace_period: '1h' });
    expect(rotated.status).toBe(201);
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(oldSecret);
    expect(Date.parse(rotated.body.previous_secret_expires_at) - Date.now()).toBeGreaterThan(3500_000);
    receiver.secrets.splice(0, receiver.secrets.length, rotated.body.secret); // the new secret only
    const key = await createKey('revoked soon');
    expect((await s.api().delete(`/v1/organizations/${s.org.id}/api-keys/${key.id}`).set(auth())).status).toBe(204);
    const [id] = await eventually(() => messageAbout(key.id, 'api_key.revoked'));
    const raw = await eventually(() => receiver.requests.find((r) => r.headers['webhook-id'] === id && r.path === '/hook/rotating'));
    expect(raw.verified).not.toBeNull(); // with the new secret
    expect(String(raw.headers['webhook-signature']).split(' ')).toHaveLength(2);
    const { Webhook } = await import('standardwebhooks');
    expect(() => new Webhook(oldSecret).verify(raw.body, raw.headers as Record<string, string>)).not.toThrow();

    // grace 0: the old secret stops signing at once
    const now = await s.api().post(`${webhooks()}/${endpoint.id}/rotate-secret`).set(auth()).send({ grace_period: 0 });
    expect(now.body.previous_secret_expires_at).toBeNull();
    receiver.secrets.splice(0, receiver.secrets.length, now.body.secret);
    const other = await createKey('revoked later');
    await s.api().delete(`/v1/organizations/${s.org.id}/api-keys/${other.id}`).set(auth());
    const [otherId] = await eventually(() => messageAbout(other.id, 'api_key.revoked'));
    const single = await eventually(() => receiver.requests.find((r) => r.headers['webhook-id'] === otherId && r.path === '/hook/rotating'));
    expect(String(single.headers['webhook-signature']).split(' ')).toHaveLength(1);
  });

  it('updates URL, events and description; disables and enables; deletes (204)', async () => {
    const endpoint = await createEndpoint(['api_key.created']);
    const patched = await s.api().patch(`${webhooks()}/${endpoint.id}`).set(auth())
      .send({ events: ['*'], description: 'everything', enabled: false });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ events: ['*'], description: 'everything', enabled: false, disabled_reason: 'manual' });
    const enabled = await s.api().patch(`${webhooks()}/${endpoint.id}`).set(auth()).send({ enabled: true });
    expect(enabled.body).toMatchObject({ enabled: true, disabled_reason: null });
    expect((await s.api().delete(`${webhooks()}/${endpoint.id}`).set(auth())).status).toBe(204);
    expect((await s.api().get(`${webhooks()}/${endpoint.id}`).set(auth())).status).toBe(404);
  });

  it('audits endpoint changes without secrets, and every delivered event is in the audit log too', async () => {
    const res = await s.api().get(`/v1/organizations/${s.org.id}/audit-logs?limit=100`).set(auth());
    const actions = res.body.data.map((e: { action: string }) => e.action);
    expect(actions).toEqual(expect.arrayContaining([
      'webhook_endpoint.created', 'webhook_endpoint.secret_rotated', 'webhook_endpoint.updated', 'webhook_endpoint.deleted',
      'webhook_delivery.redelivered', 'api_key.created', 'api_key.revoked',
    ]));
    expect(JSON.stringify(res.body)).not.toMatch(/whsec_/);
  });

  it('documents the routes in the OpenAPI document', async () => {
    const doc = (await s.api().get('/openapi.json')).body;
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining([
      '/v1/organizations/{org}/webhooks', '/v1/organizations/{org}/webhooks/{id}', '/v1/organizations/{org}/webhooks/{id}/rotate-secret',
      '/v1/organizations/{org}/webhooks/{id}/deliveries', '/v1/organizations/{org}/webhooks/{id}/deliveries/{delivery_id}/redeliver',
    ]));
    expect(doc.paths['/v1/organizations/{org}/webhooks'].post['x-permission']).toBe('webhooks:write');
  });
});
