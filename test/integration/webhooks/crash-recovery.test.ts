import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OPERATOR } from '../../../src/audit/actor.js';
import { createTestGatehouse } from '../../support/harness.js';
import { mintKey } from '../../support/seed.js';
import { startWebhookReceiver, type WebhookReceiver } from '../../support/webhook-receiver.js';
import { startChild, type GatehouseChild } from '../resource-server/children.js';

/**
 * SPEC §9: deliveries are stored before they are sent, so a restart loses none. A server is
 * killed with SIGKILL while deliveries are in flight (the receiver holds the first ones open) and
 * others wait in the outbox; a new server on the same database delivers every event, and a
 * receiver deduplicating by `webhook-id` sees each exactly once.
 */
let dir: string;
let receiver: WebhookReceiver;
const children: GatehouseChild[] = [];
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gatehouse-crash-'));
  receiver = await startWebhookReceiver();
});
afterAll(async () => {
  for (const child of children) if (child.process.exitCode === null && child.process.signalCode === null) await child.stop();
  await receiver.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('webhook deliveries across a SIGKILL', () => {
  it('delivers every event exactly once (deduplicated by webhook-id) after the server is killed and restarted', async () => {
    const overrides = {
      databaseUrl: `sqlite:${join(dir, 'gh.db')}`, secret: randomBytes(32).toString('base64url'),
      webhooks: { allowPrivateNetworks: true, pollIntervalMs: 50, leaseSeconds: 6, timeoutMs: 5000, concurrency: 3 },
    };
    const seeding = await createTestGatehouse({ ...overrides, webhooks: { ...overrides.webhooks, worker: false } });
    const org = await seeding.identity.organizations.create({ slug: 'acme', plan: 'pro' });
    const admin = await mintKey(seeding, org.id);
    const { secret } = await seeding.webhooks.endpoints.create(OPERATOR, org.id, { url: receiver.url, events: ['api_key.created'] });
    // events waiting in the outbox when the first server starts
    const created: string[] = [];
    for (let i = 0; i < 10; i++) created.push((await seeding.apiKeys.create(OPERATOR, org.id, { name: `early${i}`, permissions: ['users:read'] })).record.id);
    await seeding.close();
    receiver.secrets.push(secret);
    receiver.answer = (_r, i) => (i < 3 ? 'hang' : 204); // the first three deliveries are in flight when the server dies

    const first = await startChild(overrides);
    children.push(first);
    // and events made through the server that is about to die
    for (let i = 0; i < 10; i++) {
      const res = await fetch(`${first.url}/v1/organizations/acme/api-keys`, {
        method: 'POST', headers: { 'x-api-key': admin.key, 'content-type': 'application/json' },
        body: JSON.stringify({ name: `k${i}`, permissions: ['users:read'] }),
      });
      expect(res.status).toBe(201);
      created.push(((await res.json()) as { id: string }).id);
    }
    for (const deadline = Date.now() + 5000; receiver.requests.length < 3 && Date.now() < deadline;) await new Promise((r) => setTimeout(r, 10));
    // killed while the three sends hang (before their 5 s time limit: no attempt was recorded)
    expect(receiver.requests.length).toBe(3);
    first.process.kill('SIGKILL');
    await new Promise((resolve) => first.process.once('exit', resolve));
    expect(receiver.messages.size).toBe(0);

    const second = await startChild(overrides);
    children.push(second);
    await receiver.waitForMessages(created.length, 20_000);
    await second.stop();

    const delivered = [...receiver.messages.values()].map((m) => m.data.api_key.id as string);
    expect(delivered.sort()).toEqual([...created].sort());
    expect(receiver.messages.size).toBe(created.length);
    // the three held open were sent again after the restart: same webhook-id, deduplicated by the receiver
    const held = receiver.requests.slice(0, 3).map((r) => r.headers['webhook-id']);
    for (const id of held) expect(receiver.requests.filter((r) => r.headers['webhook-id'] === id).length).toBe(2);
    expect(receiver.requests.every((r) => r.verified)).toBe(true);
  }, 60_000);
});
