import { OPERATOR } from '../../../src/audit/actor.js';
import type { Gatehouse } from '../../../src/gatehouse.js';
import { AnomalySweep, ANOMALY_SETTLE_MS } from '../../../src/usage/anomaly.js';
import { storeSink } from '../../../src/usage/store-sink.js';
import { ThresholdAlerts } from '../../../src/usage/thresholds.js';
import { createTestGatehouse } from '../../support/harness.js';
import { mintKey } from '../../support/seed.js';
import { startWebhookReceiver, type WebhookReceiver } from '../../support/webhook-receiver.js';

const H = 3_600_000;
const T0 = Date.parse('2031-05-20T00:00:00Z');

let gh: Gatehouse;
let receiver: WebhookReceiver;
let orgId: string;
let flush = 0;

/** the messages of one type the receiver verified with `standardwebhooks` */
const received = (type: string) => [...receiver.messages.values()].filter((m) => m.type === type).map((m) => m.data);
/** delivers what is in the outbox now (the server's own worker is off) */
async function deliver(): Promise<void> {
  while ((await gh.webhooks.worker.round()).attempted > 0) { /* until nothing is due */ }
}

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  gh = await createTestGatehouse({
    webhooks: { allowPrivateNetworks: true, worker: false },
    plans: { tiny: { maxActiveKeys: 10, rateLimit: { limit: 1000, windowSeconds: 60 }, monthlyUnits: 100 } },
  }, { backgroundWork: false });
  orgId = (await gh.identity.organizations.create({ slug: 'acme', plan: 'tiny' })).id;
  const { secret } = await gh.webhooks.endpoints.create(OPERATOR, orgId, { url: `${receiver.url}/hook`, events: ['quota.threshold', 'usage.anomaly'] });
  receiver.secrets.push(secret);
});
afterAll(async () => {
  await receiver.close();
  await gh.close();
});

describe('usage alerts reach a webhook receiver verifying with standardwebhooks', () => {
  it('sends quota.threshold at 80 % and at 100 % once each per month, whatever the instances and flushes, and again next month', async () => {
    let clock = T0;
    // two instances' sinks over the one store, each with its own threshold memory
    const sinks = [0, 1].map(() => storeSink({
      metering: gh.store.metering, organization: (id) => gh.store.organizations.findById(id), config: gh.config,
      thresholds: new ThresholdAlerts({ events: gh.events, logger: gh.logger }), now: () => clock,
    }));
    const spend = (i: number, units: number) => sinks[i % 2].report(`f${flush++}`, [{
      organizationId: orgId, keyId: '', hour: new Date(clock - (clock % H)), ok: 1, denied: 0, rateLimited: 0, units,
    }]);
    for (const [i, units] of [30, 45, 10, 5, 9, 1, 40, 3].entries()) await spend(i, units); // 75, 80, …, 100, 143
    await deliver();
    const may = received('quota.threshold');
    expect(may.map((d) => [d.percent, d.used, d.quota])).toEqual([[80, 85, 100], [100, 100, 100]]);
    expect(may[0]).toMatchObject({ period_start: '2031-05-01T00:00:00.000Z', period_end: '2031-06-01T00:00:00.000Z' });

    clock = Date.parse('2031-06-02T10:00:00Z');
    for (const [i, units] of [90, 20, 1].entries()) await spend(i, units);
    await deliver();
    const june = received('quota.threshold').filter((d) => d.period_start === '2031-06-01T00:00:00.000Z');
    expect(june.map((d) => d.percent)).toEqual([80, 100]);
    expect(received('quota.threshold')).toHaveLength(4);
  });

  it('sends usage.anomaly once for a key-hour far above its usual, into the audit log too', async () => {
    const { id: keyId } = await mintKey(gh, orgId, ['users:read']);
    const increments = [];
    for (let h = T0 - 7 * 24 * H; h < T0; h += H) increments.push({ organizationId: orgId, keyId, hour: new Date(h), ok: 90, denied: 10, rateLimited: 0, units: 0 });
    increments.push({ organizationId: orgId, keyId, hour: new Date(T0), ok: 1800, denied: 0, rateLimited: 400, units: 0 });
    await gh.store.metering.record(`history-${keyId}`, increments);
    const at = () => T0 + H + ANOMALY_SETTLE_MS;
    // two instances sweeping the same moment, then again later: one event
    await Promise.all([0, 1].map(() => new AnomalySweep({ store: gh.store, events: gh.events, config: gh.config.usage, now: at }).sweep()));
    await new AnomalySweep({ store: gh.store, events: gh.events, config: gh.config.usage, now: () => at() + 10 * 60_000 }).sweep();
    await deliver();
    expect(received('usage.anomaly')).toEqual([{ api_key_id: keyId, hour: new Date(T0).toISOString(), requests: 2200, usual_requests: 100 }]);
    const audit = (await gh.store.audit.list(orgId, { limit: 100 })).items.filter((e) => e.action === 'usage.anomaly');
    expect(audit).toEqual([expect.objectContaining({ actor: { type: 'system', id: null }, target: { type: 'api_key', id: keyId } })]);
  });
});
