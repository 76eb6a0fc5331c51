import { newId } from '../../../src/domain/ids.js';
import type { AppConnection, EventRecord } from '../../../src/store/ports.js';
import { OUTBOX_RETENTION_MS } from '../../../src/store/outbox-retention.js';
import { delivery, endpoint, eventRecord } from '../event-fixtures.js';
import { apiKey, at, invitation, membership } from '../fixtures.js';
import type { StoreContext } from '../store-contract.js';

const HOUR = 3_600_000;

/** The events outbox: append, once keys, dispatch, and events carried by the changes that cause them. */
export function eventsContract(ctx: StoreContext): void {
  const events = () => ctx.store.events;
  const auditOf = async (org: string) => (await ctx.store.audit.list(org, { limit: 200 })).items;
  const storedIds = async (records: EventRecord[]) =>
    (await Promise.all(records.map((r) => events().findById(r.event.id)))).filter((e) => e !== null).map((e) => e!.id);

  it('appends events with their audit entries; lists the undispatched ones oldest first', async () => {
    const org = newId('org');
    const records = [eventRecord(org), eventRecord(org, { type: 'api_key.revoked' }), eventRecord(null)];
    expect((await events().append(records)).map((e) => e.id)).toEqual(records.map((r) => r.event.id));
    expect(await events().findById(records[1].event.id)).toEqual(records[1].event);
    expect((await auditOf(org)).map((a) => a.id).sort()).toEqual(records.slice(0, 2).map((r) => r.audit.id).sort());
    const pending = (await ctx.peer.events.undispatched(1000)).map((e) => e.id);
    const mine = pending.filter((id) => records.some((r) => r.event.id === id));
    expect(mine).toEqual(records.map((r) => r.event.id));
  });

  it('stores an event with a once key at most once, its audit entry too, whatever the connection and concurrency', async () => {
    const org = newId('org');
    const onceKey = `api_key.expiring:${newId('key')}:14`;
    const attempts = Array.from({ length: 6 }, () => eventRecord(org, { type: 'api_key.expiring', onceKey }));
    const stored = (await Promise.all(attempts.map((r, i) => (i % 2 ? ctx.peer : ctx.store).events.append([r])))).flat();
    expect(stored).toHaveLength(1);
    expect(await storedIds(attempts)).toEqual([stored[0].id]);
    expect((await auditOf(org)).filter((a) => a.action === 'api_key.expiring')).toHaveLength(1);
    // later, in a batch beside a new event: the new one is stored, the repeat is not
    const fresh = eventRecord(org);
    expect((await events().append([eventRecord(org, { onceKey }), fresh])).map((e) => e.id)).toEqual([fresh.event.id]);
  });

  it('dispatches an event once: of concurrent dispatches on two connections one stores its deliveries, the others nothing', async () => {
    const org = newId('org');
    const record = eventRecord(org);
    await events().append([record]);
    const target = endpoint(org);
    const tries = Array.from({ length: 6 }, () => [delivery(org, target.id, { eventId: record.event.id })]);
    const at0 = at();
    const outcomes = await Promise.all(tries.map((d, i) => (i % 2 ? ctx.peer : ctx.store).events.dispatch(record.event.id, d, at0)));
    expect(outcomes.filter(Boolean)).toHaveLength(1);
    const listed = (await ctx.store.webhookDeliveries.listByEndpoint(org, target.id, { limit: 50 })).items;
    expect(listed).toEqual(tries[outcomes.indexOf(true)]);
    expect((await events().findById(record.event.id))!.dispatchedAt).toEqual(at0);
    expect((await events().undispatched(1000)).map((e) => e.id)).not.toContain(record.event.id);
  });

  it('writes the events a key change carries with it, and none when the change does not happen', async () => {
    const org = newId('org');
    const key = apiKey(org);
    const created = eventRecord(org);
    expect(await ctx.store.apiKeys.create(key, { maxActive: 1, now: new Date() }, [created])).toBe('created');
    const refused = eventRecord(org);
    expect(await ctx.store.apiKeys.create(apiKey(org), { maxActive: 1, now: new Date() }, [refused])).toBe('cap_reached');
    const serverKey = eventRecord(null);
    expect(await ctx.store.apiKeys.create(apiKey(null), undefined, [serverKey])).toBe('created');

    const updated = eventRecord(org, { type: 'api_key.updated' });
    expect(await ctx.store.apiKeys.update(key.id, { name: 'renamed' }, [updated])).not.toBeNull();
    const missing = eventRecord(org, { type: 'api_key.updated' });
    expect(await ctx.store.apiKeys.update(newId('key'), { name: 'x' }, [missing])).toBeNull();

    const current = (await ctx.store.apiKeys.findById(key.id))!;
    const now = new Date();
    const rotation = (events: EventRecord[]) => ({
      oldId: key.id, expectedUpdatedAt: current.updatedAt, oldExpiresAt: new Date(now.getTime() + HOUR), events,
      successor: { ...current, id: newId('key'), digest: `d-${newId('d')}`, createdAt: now, updatedAt: now },
    });
    const rotated = eventRecord(org, { type: 'api_key.rotated' });
    expect(await ctx.peer.apiKeys.rotate(rotation([rotated]))).toBe('rotated');
    const lost = eventRecord(org, { type: 'api_key.rotated' });
    expect(await ctx.store.apiKeys.rotate(rotation([lost]))).toBe('conflict');

    expect(await storedIds([created, refused, serverKey, updated, missing, rotated, lost]))
      .toEqual([created, serverKey, updated, rotated].map((r) => r.event.id));
    const audited = (await auditOf(org)).map((a) => a.id);
    expect(audited).toEqual(expect.arrayContaining([created, updated, rotated].map((r) => r.audit.id)));
    expect(audited).not.toEqual(expect.arrayContaining([refused.audit.id]));
    expect(audited).not.toContain(missing.audit.id);
    expect(audited).not.toContain(lost.audit.id);
  });

  it('revokes a key once: of concurrent revocations on two connections one gets the key and stores its event, the others nothing', async () => {
    const org = newId('org');
    const key = apiKey(org);
    await ctx.store.apiKeys.create(key);
    const when = at();
    const tries = Array.from({ length: 8 }, () => eventRecord(org, { type: 'api_key.revoked' }));
    const outcomes = await Promise.all(tries.map((r, i) => (i % 2 ? ctx.peer : ctx.store).apiKeys.revoke(key.id, when, [r])));
    const winners = outcomes.filter((o) => o !== null);
    expect(winners).toEqual([{ ...key, revokedAt: when, updatedAt: when }]);
    expect(await storedIds(tries)).toEqual([tries[outcomes.findIndex((o) => o !== null)].event.id]);
    expect((await auditOf(org)).filter((a) => a.action === 'api_key.revoked')).toHaveLength(1);
    expect(await ctx.store.apiKeys.findById(key.id)).toEqual({ ...key, revokedAt: when, updatedAt: when });
    // revoked already, or no such key: nothing changes, nothing is stored
    const late = eventRecord(org, { type: 'api_key.revoked' });
    expect(await ctx.store.apiKeys.revoke(key.id, at(-1000), [late])).toBeNull();
    const missing = eventRecord(org, { type: 'api_key.revoked' });
    expect(await ctx.peer.apiKeys.revoke(newId('key'), when, [missing])).toBeNull();
    expect(await storedIds([late, missing])).toEqual([]);
    expect((await ctx.store.apiKeys.findById(key.id))!.revokedAt).toEqual(when);
  });

  it('writes member.joined with a membership created, member.removed with one deleted, and nothing when either is refused', async () => {
    const org = newId('org');
    const admin = membership(org, { roles: ['admin'] });
    const joined = eventRecord(org, { type: 'member.joined' });
    await ctx.store.memberships.create(admin, [joined]);
    const twice = eventRecord(org, { type: 'member.joined' });
    await expect(ctx.peer.memberships.create({ ...admin, id: newId('mem') }, [twice])).rejects.toMatchObject({ name: 'UniqueViolation', field: 'membership' });
    const lastAdmin = eventRecord(org, { type: 'member.removed' });
    expect(await ctx.store.memberships.delete(org, admin.userId, undefined, [lastAdmin])).toBe('last_admin');
    const other = membership(org, { roles: ['member'] });
    await ctx.store.memberships.create(other);
    const changed = eventRecord(org, { type: 'member.removed' });
    expect(await ctx.store.memberships.delete(org, other.userId, ['admin'], [changed])).toBe('changed');
    const removed = eventRecord(org, { type: 'member.removed' });
    const gone = eventRecord(org, { type: 'member.removed' });
    expect(await ctx.peer.memberships.delete(org, other.userId, ['member'], [removed])).toBe('deleted');
    expect(await ctx.store.memberships.delete(org, other.userId, ['member'], [gone])).toBe('not_found');
    expect(await storedIds([joined, twice, lastAdmin, changed, removed, gone])).toEqual([joined.event.id, removed.event.id]);
    expect((await auditOf(org)).map((a) => a.id).sort()).toEqual([joined.audit.id, removed.audit.id].sort());
  });

  it('writes member.invited with the invitation it describes, and nothing when the invitation is refused', async () => {
    const org = newId('org');
    const first = invitation(org);
    const invited = eventRecord(org, { type: 'member.invited' });
    await ctx.store.invitations.create(first, [invited]);
    const clash = eventRecord(org, { type: 'member.invited' });
    await expect(ctx.peer.invitations.create(invitation(org, { tokenDigest: first.tokenDigest }), [clash]))
      .rejects.toMatchObject({ name: 'UniqueViolation', field: 'token_digest' });
    expect(await ctx.store.invitations.findById(org, first.id)).toEqual(first);
    expect(await storedIds([invited, clash])).toEqual([invited.event.id]);
  });

  it('writes app.connected with the save that inserts a connection only, and app.disconnected with a removal that removed some', async () => {
    const org = newId('org');
    const clientId = newId('cli');
    const conn: AppConnection = {
      id: newId('con'), organizationId: org, clientId, userId: newId('usr'), scopes: ['openid'], resources: [], createdAt: at(), updatedAt: at(),
    };
    const first = eventRecord(org, { type: 'app.connected' });
    const again = eventRecord(org, { type: 'app.connected' });
    await ctx.store.appConnections.save(conn, [first]);
    await ctx.peer.appConnections.save({ ...conn, id: newId('con'), scopes: ['openid', 'email'] }, [again]);
    const gone = eventRecord(org, { type: 'app.disconnected' });
    const nothingLeft = eventRecord(org, { type: 'app.disconnected' });
    expect(await ctx.store.appConnections.deleteByClient(org, clientId, [gone])).toBe(1);
    expect(await ctx.peer.appConnections.deleteByClient(org, clientId, [nothingLeft])).toBe(0);
    expect(await storedIds([first, again, gone, nothingLeft])).toEqual([first.event.id, gone.event.id]);
  });

  it('sweeping removes dispatched events and settled deliveries past the retention, never pending work', async () => {
    const org = newId('org');
    const old = eventRecord(org);
    const waiting = eventRecord(org);
    await events().append([old, waiting]);
    const target = endpoint(org);
    const longAgo = new Date(Date.now() - OUTBOX_RETENTION_MS - 60_000);
    const settled = delivery(org, target.id, { status: 'succeeded', nextAttemptAt: null, completedAt: longAgo });
    const recent = delivery(org, target.id, { status: 'failed', nextAttemptAt: null, completedAt: new Date() });
    const pending = delivery(org, target.id, { createdAt: longAgo });
    expect(await events().dispatch(old.event.id, [settled, recent, pending], longAgo)).toBe(true);
    await ctx.store.sweepExpired(new Date());
    expect(await events().findById(old.event.id)).toBeNull();
    expect(await events().findById(waiting.event.id)).not.toBeNull();
    const left = (await ctx.store.webhookDeliveries.listByEndpoint(org, target.id, { limit: 10 })).items.map((d) => d.id);
    expect(left.sort()).toEqual([recent.id, pending.id].sort());
  });

  it('writes refresh_token.reuse_detected with a grant revocation that removed payloads only', async () => {
    const org = newId('org');
    const grantId = newId('grant');
    await ctx.store.oidc.upsert('RefreshToken', newId('rt'), { grantId }, new Date(Date.now() + HOUR));
    const reuse = eventRecord(org, { type: 'refresh_token.reuse_detected' });
    const repeat = eventRecord(org, { type: 'refresh_token.reuse_detected' });
    await ctx.store.oidc.revokeByGrantId(grantId, [reuse]);
    await ctx.peer.oidc.revokeByGrantId(grantId, [repeat]);
    expect(await storedIds([reuse, repeat])).toEqual([reuse.event.id]);
  });
}
