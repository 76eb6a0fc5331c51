import type { AddressInfo } from 'node:net';
import { OPERATOR } from '../../../src/audit/actor.js';
import type { Gatehouse } from '../../../src/gatehouse.js';
import { createWebhookReceiver, type GatehouseEvent } from '../../../examples/webhook-receiver/receiver.js';
import { createTestGatehouse } from '../../support/harness.js';

let gh: Gatehouse;
beforeAll(async () => { gh = await createTestGatehouse({ webhooks: { allowPrivateNetworks: true, pollIntervalMs: 20 } }); });
afterAll(() => gh.close());

async function until(probe: () => Promise<boolean> | boolean): Promise<void> {
  for (let i = 0; i < 500 && !(await probe()); i++) await new Promise((r) => setTimeout(r, 20));
}

describe("examples/webhook-receiver (the README's receiver)", () => {
  it('handles each event once, redeliveries included, and refuses a forged request', async () => {
    const org = await gh.identity.organizations.create({ slug: 'acme' });
    // the secret comes with the endpoint; the receiver starts with it, then the endpoint is pointed at the receiver
    const { endpoint, secret } = await gh.webhooks.endpoints.create(OPERATOR, org.id, { url: 'http://127.0.0.1:9/not-yet', events: ['api_key.created'] });
    const handled: Array<{ id: string; event: GatehouseEvent }> = [];
    const receiver = createWebhookReceiver(secret, async (event, id) => { handled.push({ id, event }); });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/gatehouse`;
    try {
      await gh.webhooks.endpoints.update(OPERATOR, org.id, endpoint.id, { url });
      const { record } = await gh.apiKeys.create(OPERATOR, org.id, { name: 'watched', permissions: ['users:read'] });
      await until(() => handled.length > 0);
      expect(handled).toHaveLength(1);
      expect(handled[0].event).toMatchObject({ type: 'api_key.created', data: { api_key: { id: record.id } } });

      const [delivery] = (await gh.store.webhookDeliveries.listByEndpoint(org.id, endpoint.id, { limit: 1 })).items;
      const status = async (id: string) => (await gh.store.webhookDeliveries.findById(org.id, id))!.status;
      await until(async () => (await status(delivery.id)) !== 'pending');
      const again = await gh.webhooks.deliveries.redeliver(OPERATOR, org.id, endpoint.id, delivery.id);
      await until(async () => (await status(again.id)) !== 'pending');
      expect(await status(again.id)).toBe('succeeded');
      expect(handled).toHaveLength(1); // delivered twice, handled once

      const forged = await fetch(url, {
        method: 'POST', body: '{"type":"api_key.revoked","timestamp":"2030-01-01T00:00:00Z","data":{}}',
        headers: { 'webhook-id': 'evt_forged', 'webhook-timestamp': String(Math.floor(Date.now() / 1000)), 'webhook-signature': 'v1,AAAA' },
      });
      expect(forged.status).toBe(400);
      expect(handled).toHaveLength(1);
    } finally {
      await new Promise((resolve) => receiver.close(resolve));
    }
  });
});
