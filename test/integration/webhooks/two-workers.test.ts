import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OPERATOR } from '../../../src/audit/actor.js';
import type { Gatehouse } from '../../../src/gatehouse.js';
import { openStore } from '../../../src/store/open.js';
import type { Store } from '../../../src/store/ports.js';
import type { Alert } from '../../../src/webhooks/alerts.js';
import { DeliveryWorker } from '../../../src/webhooks/worker.js';
import { createTestGatehouse } from '../../support/harness.js';
import { startWebhookReceiver, type WebhookReceiver } from '../../support/webhook-receiver.js';

let dir: string;
let gh: Gatehouse;
let peer: Store;
let receiver: WebhookReceiver;
let orgId: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gatehouse-workers-'));
  const databaseUrl = `sqlite:${join(dir, 'gh.db')}`;
  gh = await createTestGatehouse({ databaseUrl, webhooks: { allowPrivateNetworks: true, worker: false, concurrency: 3 } });
  peer = await openStore(databaseUrl);
  receiver = await startWebhookReceiver();
  orgId = (await gh.identity.organizations.create({ slug: 'acme', plan: 'pro' })).id;
});
afterAll(async () => {
  await receiver.close();
  await peer.close();
  await gh.close();
  rmSync(dir, { recursive: true, force: true });
});

const workerOn = (store: Store, alerts: Alert[]) => new DeliveryWorker({
  store, secrets: gh.secrets, events: gh.events, config: gh.config.webhooks, logger: gh.logger,
  alerts: { notify: async (a) => { alerts.push(a); } },
});

describe('several workers on one store', () => {
  it('deliver every event exactly once (no receiver-side deduplication needed when nothing fails)', async () => {
    const { secret } = await gh.webhooks.endpoints.create(OPERATOR, orgId, { url: receiver.url, events: ['api_key.created'] });
    receiver.secrets.push(secret);
    const keys = [];
    for (let i = 0; i < 30; i++) keys.push((await gh.apiKeys.create(OPERATOR, orgId, { name: `k${i}`, permissions: ['users:read'] })).record.id);
    const alerts: Alert[] = [];
    const workers = [workerOn(gh.store, alerts), workerOn(peer, alerts), workerOn(gh.store, alerts), workerOn(peer, alerts)];
    for (let round = 0; round < 50 && receiver.messages.size < keys.length; round++) await Promise.all(workers.map((w) => w.round()));

    expect(receiver.messages.size).toBe(keys.length);
    const perId = new Map<string, number>();
    for (const r of receiver.requests) perId.set(String(r.headers['webhook-id']), (perId.get(String(r.headers['webhook-id'])) ?? 0) + 1);
    expect([...perId.values()].every((n) => n === 1)).toBe(true);
    expect(receiver.requests.every((r) => r.verified)).toBe(true);
    expect([...receiver.messages.values()].map((m) => m.data.api_key.id).sort()).toEqual([...keys].sort());
  });

  it('dispatch an alert event once, offering it to the notifier again only if the notifier failed', async () => {
    let failOnce = true;
    const offered: string[] = [];
    const worker = new DeliveryWorker({
      store: gh.store, secrets: gh.secrets, events: gh.events, config: gh.config.webhooks, logger: gh.logger,
      alerts: { notify: async (a) => { offered.push(a.eventId); if (failOnce) { failOnce = false; throw new Error('mail down'); } } },
    });
    const [stored] = await gh.events.emit([gh.events.record('api_key.rotation_due', {
      organizationId: orgId, caller: null, target: { type: 'api_key', id: 'key_x' },
      data: { api_key: { id: 'key_x' } as never, age_days: 91, reminder_days: 90 },
    })]);
    await worker.round();
    expect((await gh.store.events.findById(stored.id))!.dispatchedAt).toBeNull();
    await worker.round();
    expect((await gh.store.events.findById(stored.id))!.dispatchedAt).not.toBeNull();
    await worker.round();
    expect(offered).toEqual([stored.id, stored.id]);
  });
});
