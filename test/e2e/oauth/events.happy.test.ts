import { startTestServer, type RunningGatehouse } from '../../support/harness.js';
import { clientConfig, FormAgent, loginAndExchange, refreshAt, seedOAuth } from '../../support/oauth.js';
import { startWebhookReceiver, type WebhookReceiver } from '../../support/webhook-receiver.js';

/** OAuth's events reach an organization's webhook: app.connected, refresh_token.reuse_detected, app.disconnected. */
let server: RunningGatehouse;
let receiver: WebhookReceiver;
beforeAll(async () => {
  server = await startTestServer({ webhooks: { allowPrivateNetworks: true, pollIntervalMs: 20 } });
  receiver = await startWebhookReceiver();
});
afterAll(async () => {
  await receiver.close();
  await server.stop();
});

const received = async (type: string, ms = 10_000) => {
  for (const deadline = Date.now() + ms; Date.now() < deadline; await new Promise((r) => setTimeout(r, 20))) {
    const found = [...receiver.messages.values()].filter((m) => m.type === type);
    if (found.length) return found;
  }
  throw new Error(`no ${type} received`);
};

describe('OAuth events', () => {
  it('delivers app.connected on first consent, refresh_token.reuse_detected on reuse, app.disconnected on disconnect; each audited', async () => {
    const gh = server.gatehouse;
    const seeded = await seedOAuth(gh);
    const { endpoint, secret } = await gh.webhooks.endpoints.create({ principal: 'operator' }, seeded.org.id, {
      url: receiver.url, events: ['app.connected', 'app.disconnected', 'refresh_token.reuse_detected'],
    });
    receiver.secrets.push(secret);
    const config = await clientConfig(server.url, seeded.client.clientId, seeded.clientSecret);
    const { tokens } = await loginAndExchange(config, new FormAgent(), server.url, seeded, { scope: 'openid offline_access users:read', prompt: 'consent' });

    const [connected] = await received('app.connected');
    expect(connected.data).toEqual({
      app: { client_id: seeded.client.clientId, name: 'Test App' }, user_id: seeded.user.id,
      scopes: expect.arrayContaining(['openid', 'offline_access']), permissions: ['users:read'],
    });

    const refresh = (token: string) => refreshAt(server.url, seeded.client.clientId, seeded.clientSecret!, token);
    expect((await refresh(tokens.refresh_token!)).status).toBe(200);
    expect((await refresh(tokens.refresh_token!)).status).toBe(400);
    expect((await refresh(tokens.refresh_token!)).status).toBe(400); // a family revoked already: no second event
    const [reuse] = await received('refresh_token.reuse_detected');
    expect(reuse.data).toEqual({ app: { client_id: seeded.client.clientId, name: 'Test App' }, user_id: seeded.user.id });

    await gh.oauth.connectedApps.disconnect({ principal: 'operator' }, seeded.org.id, seeded.client.clientId);
    const [disconnected] = await received('app.disconnected');
    expect(disconnected.data).toEqual({ app: { client_id: seeded.client.clientId, name: 'Test App' }, members: 1 });

    const audit = (await gh.store.audit.list(seeded.org.id, { limit: 100 })).items;
    expect(audit.filter((e) => e.action === 'refresh_token.reuse_detected')).toHaveLength(1);
    expect(audit.find((e) => e.action === 'refresh_token.reuse_detected')).toMatchObject({
      actor: { type: 'client', id: seeded.client.clientId }, target: { type: 'client', id: seeded.client.clientId },
    });
    expect(audit.map((e) => e.action)).toEqual(expect.arrayContaining(['app.connected', 'app.disconnected']));
    expect(JSON.stringify([...receiver.messages.values()])).not.toContain(tokens.refresh_token!);
    const deliveries = (await gh.store.webhookDeliveries.listByEndpoint(seeded.org.id, endpoint.id, { limit: 10 })).items;
    expect(deliveries.map((d) => d.eventType).sort()).toEqual(['app.connected', 'app.disconnected', 'refresh_token.reuse_detected']);
  });
});
