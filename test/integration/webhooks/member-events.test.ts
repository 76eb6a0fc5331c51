import type { Caller } from '../../../src/audit/actor.js';
import { inviteAndJoin } from '../../support/invitations.js';
import { seededSuite } from '../../support/seed.js';
import { startWebhookReceiver, type WebhookReceiver } from '../../support/webhook-receiver.js';

/*
 * Members' events reach the organization's webhooks: an invitation, a join, a removal, and the
 * revocation of the keys a member made when they are disabled or leave (SPEC §4, §9), each
 * delivered once and audited once (as the event, not besides it).
 */

const s = seededSuite({ webhooks: { allowPrivateNetworks: true, pollIntervalMs: 20 } });
let receiver: WebhookReceiver;
beforeAll(async () => { receiver = await startWebhookReceiver(); });
afterAll(() => receiver.close());

const auth = () => ({ 'X-API-Key': s.adminKey });

async function eventually<T>(probe: () => T | undefined | Promise<T | undefined>, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== null && value !== false) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("members' events", () => {
  it('delivers member.invited, member.joined, api_key.revoked (creator_disabled, creator_removed) and member.removed, each once', async () => {
    const created = await s.api().post(`/v1/organizations/acme/webhooks`).set(auth())
      .send({ url: `${receiver.url}/members`, events: ['member.invited', 'member.joined', 'member.removed', 'api_key.revoked'] }).expect(201);
    receiver.secrets.push(created.body.secret);

    const { invitationId, userId: grace } = await inviteAndJoin(s.gatehouse, 'acme', s.adminKey, 'grace@acme.test', ['member']);
    const asGrace: Caller = { principal: { type: 'user', subject: grace, organization: s.org.id, environment: null, permissions: ['api_keys:write', 'users:read'] } };
    const mint = async (name: string) => (await s.gatehouse.apiKeys.create(asGrace, s.org.id, { name, permissions: ['users:read'] })).record.id;

    const first = await mint('before disabling');
    await s.api().patch(`/v1/organizations/acme/users/${grace}`).set(auth()).send({ disabled: true }).expect(200);
    await s.api().patch(`/v1/organizations/acme/users/${grace}`).set(auth()).send({ disabled: false }).expect(200);
    const second = await mint('before leaving');
    await s.api().delete(`/v1/organizations/acme/users/${grace}`).set(auth()).expect(204);

    await receiver.waitForMessages(5);
    const messages = [...receiver.messages.values()];
    expect(receiver.requests.every((r) => r.verified)).toBe(true);
    expect(messages.map((m) => m.type).sort()).toEqual(['api_key.revoked', 'api_key.revoked', 'member.invited', 'member.joined', 'member.removed']);
    const of = (type: string) => messages.filter((m) => m.type === type).map((m) => m.data);
    expect(of('member.invited')).toEqual([{ invitation_id: invitationId, email: 'grace@acme.test', roles: ['member'] }]);
    expect(of('member.joined')).toEqual([{ user_id: grace, email: 'grace@acme.test', roles: ['member'] }]);
    expect(of('member.removed')).toEqual([{ user_id: grace, email: 'grace@acme.test' }]);
    expect(of('api_key.revoked').map((d) => [d.api_key.id, d.api_key.status, d.reason]).sort()).toEqual([
      [first, 'revoked', 'creator_disabled'], [second, 'revoked', 'creator_removed'],
    ].sort());

    // the audit log has each once, as the event, and nothing beside it
    const audit = (await s.api().get('/v1/organizations/acme/audit-logs?limit=100').set(auth()).expect(200)).body.data as
      Array<{ action: string; target: { type: string; id: string } | null; actor: { type: string; id: string | null }; metadata: Record<string, unknown> }>;
    const about = (id: string) => audit.filter((e) => e.target?.id === id).map((e) => e.action);
    expect(about(invitationId)).toEqual(['member.invited']);
    expect(about(grace).filter((a) => a.startsWith('member.') || a === 'user.deleted')).toEqual(['member.removed', 'member.joined']);
    expect(about(first)).toEqual(['api_key.revoked', 'api_key.created']);
    expect(audit.find((e) => e.target?.id === second && e.action === 'api_key.revoked')).toMatchObject({
      actor: { type: 'api_key' }, metadata: { reason: 'creator_removed', owner: `user:${grace}` },
    });
  });

  it('sends nothing for a refused removal (the last admin stays)', async () => {
    const before = receiver.requests.length;
    const res = await s.api().delete(`/v1/organizations/acme/users/${s.adminUserId}`).set(auth());
    expect(res.status).toBe(409);
    await s.gatehouse.webhooks.worker.round();
    await eventually(async () => (await s.gatehouse.store.events.undispatched(100)).length === 0);
    expect(receiver.requests.length).toBe(before);
    expect((await s.gatehouse.store.audit.list(s.org.id, { limit: 200 })).items.filter((e) => e.action === 'member.removed')).toHaveLength(1);
  });
});
