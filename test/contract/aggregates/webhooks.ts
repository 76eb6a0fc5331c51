import { newId } from '../../../src/domain/ids.js';
import type { DeliverySettlement } from '../../../src/store/ports.js';
import { delivery, endpoint, eventRecord } from '../event-fixtures.js';
import { at, walk } from '../fixtures.js';
import type { StoreContext } from '../store-contract.js';

const MINUTE = 60_000;

/** Webhook endpoints: CRUD by organization, the per-organization cap, failure tracking. */
export function webhookEndpointsContract(ctx: StoreContext): void {
  const endpoints = () => ctx.store.webhookEndpoints;

  it('creates, finds (only in its organization), pages newest first, updates and deletes endpoints', async () => {
    const org = newId('org');
    const made = [endpoint(org), endpoint(org, { events: ['*'], enabled: false, disabledReason: 'manual' }), endpoint(org)];
    for (const e of made) expect(await endpoints().create(e, 10)).toBe('created');
    expect(await endpoints().findById(org, made[1].id)).toEqual(made[1]);
    expect(await ctx.peer.webhookEndpoints.findById(newId('org'), made[1].id)).toBeNull();
    expect(await walk((p) => endpoints().list(org, p), 2, (e) => e.id)).toEqual([...made].reverse());
    expect((await endpoints().listEnabled(org)).map((e) => e.id)).toEqual([made[0].id, made[2].id]);

    const later = at();
    const patched = await endpoints().update(org, made[0].id, { url: 'https://elsewhere.example.com/h', events: ['api_key.revoked'], previousSealedSecret: 'v1.old', previousSecretExpiresAt: later, updatedAt: later });
    expect(patched).toEqual({ ...made[0], url: 'https://elsewhere.example.com/h', events: ['api_key.revoked'], previousSealedSecret: 'v1.old', previousSecretExpiresAt: later, updatedAt: later });
    expect(await endpoints().update(newId('org'), made[0].id, { description: 'x' })).toBeNull();
    expect(await endpoints().delete(newId('org'), made[0].id)).toBe(false);
    expect(await endpoints().delete(org, made[0].id)).toBe(true);
    expect(await endpoints().findById(org, made[0].id)).toBeNull();
  });

  it('caps endpoints per organization exactly under concurrent creates on two connections', async () => {
    const org = newId('org');
    const outcomes = await Promise.all(Array.from({ length: 8 }, (_, i) => (i % 2 ? ctx.peer : ctx.store).webhookEndpoints.create(endpoint(org), 3)));
    expect(outcomes.filter((o) => o === 'created')).toHaveLength(3);
    expect((await endpoints().list(org, { limit: 50 })).items).toHaveLength(3);
    expect(await endpoints().create(endpoint(newId('org')), 3)).toBe('created');
  });

  it('keeps the first failure time until a success clears it', async () => {
    const org = newId('org');
    const e = endpoint(org);
    await endpoints().create(e, 10);
    const first = at(10 * MINUTE);
    expect((await endpoints().markFailing(e.id, first))!.failingSince).toEqual(first);
    expect((await ctx.peer.webhookEndpoints.markFailing(e.id, at()))!.failingSince).toEqual(first);
    await endpoints().markHealthy(e.id);
    expect((await endpoints().findById(org, e.id))!.failingSince).toBeNull();
    expect(await endpoints().markFailing(newId('whe'), at())).toBeNull();
  });

  it('disables a failing endpoint once, with its events, when it is still failing since the time read', async () => {
    const org = newId('org');
    const e = endpoint(org);
    await endpoints().create(e, 10);
    const since = at(MINUTE);
    await endpoints().markFailing(e.id, since);
    expect(await endpoints().disableFailing(e.id, new Date(since.getTime() + 1), at())).toBe(false);
    const tries = Array.from({ length: 4 }, () => eventRecord(org, { type: 'webhook_endpoint.disabled' }));
    const outcomes = await Promise.all(tries.map((r, i) => (i % 2 ? ctx.peer : ctx.store).webhookEndpoints.disableFailing(e.id, since, at(), [r])));
    expect(outcomes.filter(Boolean)).toHaveLength(1);
    expect(await endpoints().findById(org, e.id)).toMatchObject({ enabled: false, disabledReason: 'failing' });
    const stored = await Promise.all(tries.map((r) => ctx.store.events.findById(r.event.id)));
    expect(stored.filter(Boolean)).toHaveLength(1);
  });
}

/** Webhook deliveries: listing, leases (never two holders), settling by the lease holder only. */
export function webhookDeliveriesContract(ctx: StoreContext): void {
  const deliveries = () => ctx.store.webhookDeliveries;
  const settlement = (over: Partial<DeliverySettlement> = {}): DeliverySettlement => ({
    at: at(), statusCode: 200, error: null, status: 'succeeded', nextAttemptAt: null, attempted: true, ...over,
  });
  // each test leases at a later "now" than the previous one's leases last, and looks at its own organization's deliveries
  let clock = Date.now();
  const later = () => new Date((clock += 10 * MINUTE));
  const leaseOf = async (org: string, store: typeof ctx.store, now: Date, owner: string, until: Date) =>
    (await store.webhookDeliveries.lease(now, owner, until, 200)).filter((d) => d.organizationId === org);

  it('stores a delivery, finds it in its organization only, and pages an endpoint\'s newest first', async () => {
    const org = newId('org');
    const endpointId = newId('whe');
    const settled = { status: 'succeeded' as const, nextAttemptAt: null };
    const made = [delivery(org, endpointId, settled), delivery(org, endpointId, { ...settled, redeliveryOf: 'whd_before' }), delivery(org, endpointId, settled)];
    for (const d of made) await deliveries().create(d);
    await deliveries().create(delivery(org, newId('whe'), settled));
    expect(await ctx.peer.webhookDeliveries.findById(org, made[1].id)).toEqual(made[1]);
    expect(await deliveries().findById(newId('org'), made[1].id)).toBeNull();
    expect(await walk((p) => deliveries().listByEndpoint(org, endpointId, p), 2, (d) => d.id)).toEqual([...made].reverse());
  });

  it('leases each due delivery to one worker only, among many concurrent leases on two connections', async () => {
    const org = newId('org');
    const now = later();
    const due = Array.from({ length: 12 }, () => delivery(org, newId('whe'), { nextAttemptAt: new Date(now.getTime() - 1000) }));
    const notYet = delivery(org, newId('whe'), { nextAttemptAt: new Date(now.getTime() + 2 * MINUTE) });
    const settled = delivery(org, newId('whe'), { status: 'succeeded', nextAttemptAt: null });
    for (const d of [...due, notYet, settled]) await deliveries().create(d);
    const until = new Date(now.getTime() + MINUTE);
    const batches = await Promise.all(Array.from({ length: 8 }, (_, i) =>
      (i % 2 ? ctx.peer : ctx.store).webhookDeliveries.lease(now, `worker-${i}`, until, 3)));
    const leased = batches.flat().map((d) => d.id);
    expect(new Set(leased).size).toBe(leased.length);
    expect(batches.flat().filter((d) => d.organizationId === org).map((d) => d.id).sort()).toEqual(due.map((d) => d.id).sort());
    batches.forEach((batch, i) => batch.forEach((d) => expect(d).toMatchObject({ leaseOwner: `worker-${i}`, leaseExpiresAt: until })));
    // nothing left to lease until the leases expire; then each is free again
    expect(await leaseOf(org, ctx.store, now, 'late', until)).toEqual([]);
    const retaken = await leaseOf(org, ctx.peer, until, 'after-expiry', new Date(until.getTime() + MINUTE));
    expect(retaken.map((d) => d.id).sort()).toEqual(due.map((d) => d.id).sort());
  });

  it('settles a delivery only for the worker holding its lease, counting attempts and releasing the lease', async () => {
    const org = newId('org');
    const now = later();
    const d = delivery(org, newId('whe'), { nextAttemptAt: now });
    await deliveries().create(d);
    expect(await leaseOf(org, ctx.store, now, 'holder', new Date(now.getTime() + MINUTE))).toHaveLength(1);
    const retryAt = new Date(now.getTime() + 5 * MINUTE);
    const failed = settlement({ at: now, statusCode: 503, error: 'HTTP 503', status: 'pending', nextAttemptAt: retryAt });
    expect(await ctx.peer.webhookDeliveries.settle(d.id, 'intruder', failed)).toBe(false);
    expect(await deliveries().settle(d.id, 'holder', failed)).toBe(true);
    expect(await deliveries().findById(org, d.id)).toEqual({
      ...d, attempts: 1, nextAttemptAt: retryAt, lastAttemptAt: now, lastStatusCode: 503, lastError: 'HTTP 503', leaseOwner: null, leaseExpiresAt: null,
    });
    expect(await deliveries().settle(d.id, 'holder', failed)).toBe(false); // released: settling again needs a new lease

    expect(await leaseOf(org, ctx.store, retryAt, 'second', new Date(retryAt.getTime() + MINUTE))).toHaveLength(1);
    const done = settlement({ at: retryAt });
    expect(await deliveries().settle(d.id, 'second', done)).toBe(true);
    expect(await deliveries().findById(org, d.id)).toMatchObject({
      status: 'succeeded', attempts: 2, nextAttemptAt: null, lastStatusCode: 200, lastError: null, completedAt: retryAt,
    });
    clock += 20 * MINUTE;
    expect(await leaseOf(org, ctx.store, later(), 'third', later())).toEqual([]);
  });

  it('a settlement without a request keeps the attempt count', async () => {
    const org = newId('org');
    const now = later();
    const d = delivery(org, newId('whe'), { nextAttemptAt: now });
    await deliveries().create(d);
    expect(await leaseOf(org, ctx.store, now, 'w', new Date(now.getTime() + MINUTE))).toHaveLength(1);
    await deliveries().settle(d.id, 'w', settlement({ at: now, statusCode: null, error: 'endpoint disabled', status: 'failed', attempted: false }));
    expect(await deliveries().findById(org, d.id)).toMatchObject({ status: 'failed', attempts: 0, completedAt: now, lastError: 'endpoint disabled' });
  });
}

/** Job leases: one holder at a time, state saved on release. */
export function jobLeasesContract(ctx: StoreContext): void {
  it('gives a job to one owner at a time, again once expired, and keeps the state its holder saves', async () => {
    const job = `job-${newId('t')}`;
    const now = new Date();
    const until = new Date(now.getTime() + MINUTE);
    const takes = await Promise.all(Array.from({ length: 6 }, (_, i) => (i % 2 ? ctx.peer : ctx.store).jobLeases.acquire(job, `owner-${i}`, now, until)));
    expect(takes.filter((t) => t !== null)).toEqual([{}]);
    const holder = `owner-${takes.findIndex((t) => t !== null)}`;
    expect(await ctx.store.jobLeases.acquire(job, holder, now, until)).toEqual({}); // its own, again
    expect(await ctx.store.jobLeases.release(job, 'someone-else', { swept: 1 })).toBe(false);
    expect(await ctx.peer.jobLeases.acquire(job, 'late', now, until)).toBeNull();
    expect(await ctx.peer.jobLeases.acquire(job, 'after-expiry', until, new Date(until.getTime() + MINUTE))).toEqual({});
    expect(await ctx.store.jobLeases.release(job, 'after-expiry', { swept_until: '2030-01-01T00:00:00.000Z' })).toBe(true);
    expect(await ctx.store.jobLeases.acquire(job, 'next', now, until)).toEqual({ swept_until: '2030-01-01T00:00:00.000Z' });
  });
}
