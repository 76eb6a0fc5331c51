import { OPERATOR } from '../../../src/audit/actor.js';
import type { Gatehouse } from '../../../src/gatehouse.js';
import type { Alert } from '../../../src/webhooks/alerts.js';
import { DeliveryWorker } from '../../../src/webhooks/worker.js';
import { createTestGatehouse } from '../../support/harness.js';
import { startWebhookReceiver, type WebhookReceiver } from '../../support/webhook-receiver.js';

const S = 1000;
const H = 3_600_000;
const DAY = 24 * H;

let gh: Gatehouse;
let receiver: WebhookReceiver;
let orgId: string;
let clock: number;
const alerts: Alert[] = [];

/** A worker on a fake clock (the server's own worker is off), with no jitter (random = 0.5). */
const worker = () => new DeliveryWorker({
  store: gh.store, secrets: gh.secrets, events: gh.events, config: gh.config.webhooks, logger: gh.logger,
  alerts: { notify: async (a) => { alerts.push(a); } }, now: () => new Date(clock), random: () => 0.5,
});

beforeAll(async () => {
  gh = await createTestGatehouse({ webhooks: { allowPrivateNetworks: true, worker: false } });
  receiver = await startWebhookReceiver();
  receiver.answer = () => 503;
  orgId = (await gh.identity.organizations.create({ slug: 'acme', plan: 'pro' })).id;
});
afterAll(async () => {
  await receiver.close();
  await gh.close();
});

async function newKeyEvent(name: string): Promise<void> {
  await gh.apiKeys.create(OPERATOR, orgId, { name, permissions: ['users:read'] });
}

describe('a failing endpoint (fake time)', () => {
  it('is retried on the backoff schedule for at least 24 hours, then the delivery is marked failed', async () => {
    const { endpoint } = await gh.webhooks.endpoints.create(OPERATOR, orgId, { url: `${receiver.url}/one`, events: ['api_key.created'] });
    clock = Date.parse('2030-01-01T00:00:00Z');
    const w = worker();
    await newKeyEvent('retried');
    const attemptTimes: number[] = [];
    for (let guard = 0; guard < 100; guard++) {
      const before = receiver.requests.length;
      await w.round();
      if (receiver.requests.length > before) attemptTimes.push(clock);
      const [delivery] = (await gh.store.webhookDeliveries.listByEndpoint(orgId, endpoint.id, { limit: 1 })).items;
      if (delivery.status !== 'pending') break;
      clock = delivery.nextAttemptAt!.getTime();
    }
    const [delivery] = (await gh.store.webhookDeliveries.listByEndpoint(orgId, endpoint.id, { limit: 1 })).items;
    const gaps = attemptTimes.slice(1).map((t, i) => t - attemptTimes[i]);
    expect(gaps.slice(0, 5)).toEqual([30 * S, 60 * S, 120 * S, 240 * S, 480 * S]);
    expect(Math.max(...gaps)).toBe(4 * H);
    expect(attemptTimes[attemptTimes.length - 1] - attemptTimes[0]).toBeGreaterThanOrEqual(24 * H);
    expect(delivery).toMatchObject({ status: 'failed', attempts: attemptTimes.length, lastStatusCode: 503, lastError: 'HTTP 503', nextAttemptAt: null });
    expect(receiver.requests.filter((r) => r.path === '/hook/one').every((r) => r.headers['webhook-id'] === delivery.eventId)).toBe(true);
  });

  it('is disabled once every attempt failed for 5 days, with a webhook_endpoint.disabled alert; its pending deliveries then fail unsent', async () => {
    const { endpoint } = await gh.webhooks.endpoints.create(OPERATOR, orgId, { url: `${receiver.url}/two`, events: ['api_key.created'] });
    clock = Date.parse('2031-01-01T00:00:00Z');
    const w = worker();
    const start = clock;
    // a new event every 6 hours, every due delivery attempted, until the endpoint is disabled
    for (let step = 0; step < 40; step++) {
      await newKeyEvent(`k${step}`);
      await w.round();
      const current = (await gh.store.webhookEndpoints.findById(orgId, endpoint.id))!;
      if (!current.enabled) break;
      clock += 6 * H;
    }
    const disabled = (await gh.store.webhookEndpoints.findById(orgId, endpoint.id))!;
    expect(disabled).toMatchObject({ enabled: false, disabledReason: 'failing', failingSince: new Date(start) });
    expect(clock - start).toBeGreaterThanOrEqual(5 * DAY);
    expect(clock - start).toBeLessThan(5 * DAY + 6 * H);

    await w.round(); // dispatches the alert event
    const alert = alerts.find((a) => a.type === 'webhook_endpoint.disabled' && a.data.webhook_endpoint && (a.data.webhook_endpoint as { id: string }).id === endpoint.id);
    expect(alert).toMatchObject({ organizationId: orgId, data: { webhook_endpoint: { id: endpoint.id }, reason: 'failing' } });
    const audited = (await gh.store.audit.list(orgId, { limit: 200 })).items.find((e) => e.action === 'webhook_endpoint.disabled' && e.target?.id === endpoint.id);
    expect(audited).toMatchObject({ actor: { type: 'system', id: null }, target: { type: 'webhook_endpoint', id: endpoint.id } });

    const hitsBefore = receiver.requests.filter((r) => r.path === '/hook/two').length;
    clock += DAY;
    await w.round();
    expect(receiver.requests.filter((r) => r.path === '/hook/two').length).toBe(hitsBefore);
    const deliveries = (await gh.store.webhookDeliveries.listByEndpoint(orgId, endpoint.id, { limit: 200 })).items;
    expect(deliveries.filter((d) => d.lastError === 'endpoint disabled').length).toBeGreaterThan(0);
    expect(deliveries.filter((d) => d.status === 'pending' && d.nextAttemptAt!.getTime() <= clock)).toEqual([]);
  });

  it('forgets its failures after one success', async () => {
    const { endpoint } = await gh.webhooks.endpoints.create(OPERATOR, orgId, { url: `${receiver.url}/three`, events: ['api_key.created'] });
    clock = Date.parse('2032-01-01T00:00:00Z');
    const w = worker();
    await newKeyEvent('fails once');
    await w.round();
    expect((await gh.store.webhookEndpoints.findById(orgId, endpoint.id))!.failingSince).toEqual(new Date(clock));
    receiver.answer = (r) => (r.path === '/hook/three' ? 200 : 503);
    clock += 60 * S;
    await w.round();
    expect((await gh.store.webhookEndpoints.findById(orgId, endpoint.id))!.failingSince).toBeNull();
  });
});
