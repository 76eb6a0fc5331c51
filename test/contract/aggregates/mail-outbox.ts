import { at, outboxMail } from '../fixtures.js';
import type { StoreContext } from '../store-contract.js';

const inAMinute = () => new Date(Date.now() + 60_000);

/** The stored mail outbox: leases, sends, retries. */
export function mailOutboxContract(ctx: StoreContext): void {
  const outbox = () => ctx.store.mailOutbox;

  it('leases due messages oldest first, never one that is not due or already leased', async () => {
    const now = at();
    const older = outboxMail({ nextAttemptAt: at(5000) });
    const newer = outboxMail({ nextAttemptAt: at(1000) });
    const later = outboxMail({ nextAttemptAt: at(-60_000) });
    for (const m of [newer, later, older]) await outbox().enqueue(m);
    const leased = await outbox().lease('worker-a', now, inAMinute(), 10);
    expect(leased.map((m) => m.id)).toEqual(expect.arrayContaining([older.id, newer.id]));
    expect(leased.map((m) => m.id)).not.toContain(later.id);
    const firstTwo = leased.filter((m) => m.id === older.id || m.id === newer.id);
    expect(firstTwo.map((m) => m.id)).toEqual([older.id, newer.id]);
    expect(leased.find((m) => m.id === older.id)).toMatchObject({ leaseOwner: 'worker-a', sealed: older.sealed });
    const again = await outbox().lease('worker-b', now, inAMinute(), 10);
    expect(again.map((m) => m.id)).not.toContain(older.id);
    for (const m of leased) await outbox().markSent(m.id, 'worker-a', now);
  });

  it('stores one message per dedupe key, whatever the connection and concurrency; messages without a key are never deduplicated', async () => {
    const dedupeKey = `alert:evt_${Math.random().toString(36).slice(2)}:admin@example.com`;
    const tries = Array.from({ length: 6 }, () => outboxMail({ dedupeKey }));
    const stored = await Promise.all(tries.map((m, i) => (i % 2 ? ctx.peer : ctx.store).mailOutbox.enqueue(m)));
    expect(stored.filter(Boolean)).toHaveLength(1);
    const kept = tries[stored.indexOf(true)];
    const found = await Promise.all(tries.map((m) => outbox().findById(m.id)));
    expect(found.filter((m) => m !== null)).toEqual([kept]);
    // another recipient of the same alert is another key
    expect(await outbox().enqueue(outboxMail({ dedupeKey: dedupeKey.replace('admin@', 'owner@') }))).toBe(true);
    expect(await outbox().enqueue(outboxMail())).toBe(true);
    expect(await ctx.peer.mailOutbox.enqueue(outboxMail())).toBe(true);
  });

  it('hands a message whose lease expired to the next worker (a worker that died)', async () => {
    const m = outboxMail({ nextAttemptAt: at(120_000) });
    await outbox().enqueue(m);
    const first = await outbox().lease('dead-worker', at(100_000), at(90_000), 100);
    expect(first.map((x) => x.id)).toContain(m.id);
    const second = await outbox().lease('worker-b', at(), inAMinute(), 100);
    expect(second.map((x) => x.id)).toContain(m.id);
    // the dead worker's lease is gone: its late answer changes nothing
    expect(await outbox().markSent(m.id, 'dead-worker', at())).toBe(false);
    expect(await outbox().markSent(m.id, 'worker-b', at())).toBe(true);
  });

  it('records a send and erases the body; only the lease holder can', async () => {
    const m = outboxMail();
    await outbox().enqueue(m);
    const leased = await outbox().lease('w', at(), inAMinute(), 100);
    expect(leased.map((x) => x.id)).toContain(m.id);
    expect(await outbox().markSent(m.id, 'someone-else', at())).toBe(false);
    const when = at();
    expect(await outbox().markSent(m.id, 'w', when)).toBe(true);
    expect(await outbox().findById(m.id)).toEqual({ ...m, status: 'sent', sealed: '', finishedAt: when, leaseOwner: null, leaseExpiresAt: null });
    expect(await outbox().markSent(m.id, 'w', when)).toBe(false);
    expect((await outbox().lease('w', at(-60_000), inAMinute(), 100)).map((x) => x.id)).not.toContain(m.id);
  });

  it('records a failure: retried at the time given, or given up with the body erased', async () => {
    const m = outboxMail();
    await outbox().enqueue(m);
    await outbox().lease('w', at(), inAMinute(), 100);
    const retryAt = at(-30_000);
    expect(await outbox().markFailed(m.id, 'w', at(), '421 try later', retryAt)).toBe(true);
    expect(await outbox().findById(m.id)).toMatchObject({
      status: 'pending', attempts: 1, lastError: '421 try later', nextAttemptAt: retryAt, leaseOwner: null, sealed: m.sealed,
    });
    expect((await outbox().lease('w', at(), inAMinute(), 100)).map((x) => x.id)).not.toContain(m.id);
    expect((await outbox().lease('w', at(-31_000), inAMinute(), 100)).map((x) => x.id)).toContain(m.id);
    const gaveUp = at(-31_000);
    expect(await outbox().markFailed(m.id, 'w', gaveUp, '550 no such user', null)).toBe(true);
    expect(await outbox().findById(m.id)).toMatchObject({
      status: 'failed', attempts: 2, lastError: '550 no such user', sealed: '', finishedAt: gaveUp, leaseOwner: null,
    });
  });

  it('two workers leasing at once on two connections never get the same message', async () => {
    const mails = Array.from({ length: 20 }, () => outboxMail({ nextAttemptAt: at(200_000) }));
    for (const m of mails) await outbox().enqueue(m);
    const now = at(150_000);
    const leases = await Promise.all(Array.from({ length: 6 }, (_, n) =>
      (n % 2 ? ctx.peer : ctx.store).mailOutbox.lease(`w${n}`, now, inAMinute(), 5)));
    const ids = leases.flat().map((m) => m.id).filter((id) => mails.some((m) => m.id === id));
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBe(20);
  });
}
