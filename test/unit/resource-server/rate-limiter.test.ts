import { openStore } from '../../../src/store/open.js';
import type { Store } from '../../../src/store/ports.js';
import { LeasedRateLimiter } from '../../../src/resource-server/rate-limiter.js';
import { MemoryRateLimits } from '../../../src/resource-server/memory-rate-limits.js';
import { countingStore, type StoreCalls } from '../../../bench/counting-store.js';

const HOUR = 3_600_000;

describe('leased sliding-window rate limiter', () => {
  let raw: Store;
  let store: Store;
  let calls: StoreCalls;
  beforeEach(async () => {
    raw = await openStore('sqlite::memory:');
    ({ store, calls } = countingStore(raw));
  });
  afterEach(() => raw.close());

  it('admits exactly the limit under a concurrent burst on one instance', async () => {
    const limiter = new LeasedRateLimiter(store.rateLimits);
    const policy = { bucket: 'key:burst', limit: 137, windowMs: HOUR };
    const results = await Promise.all(Array.from({ length: 400 }, () => limiter.take([policy])));
    expect(results.filter((r) => r!.allowed)).toHaveLength(137);
    const remaining = results.filter((r) => r!.allowed).map((r) => r!.remaining).sort((a, b) => a - b);
    expect(remaining[0]).toBe(0);
  });

  it('holds the limit across instances sharing one store, and uses it in full', async () => {
    const a = new LeasedRateLimiter(store.rateLimits);
    const b = new LeasedRateLimiter(store.rateLimits);
    const policy = { bucket: 'org:shared', limit: 500, windowMs: HOUR };
    const burst = (l: LeasedRateLimiter) => Promise.all(Array.from({ length: 400 }, () => l.take([policy])));
    const [ra, rb] = await Promise.all([burst(a), burst(b)]);
    const admitted = [...ra, ...rb].filter((r) => r!.allowed).length;
    expect(admitted).toBe(500);
  });

  it('writes to the store about once per lease, not once per request, far from the limit', async () => {
    const limiter = new LeasedRateLimiter(store.rateLimits, { maxLease: 100 });
    const policy = { bucket: 'key:cheap', limit: 1_000_000, windowMs: HOUR };
    for (let i = 0; i < 1000; i++) await limiter.take([policy]);
    expect(calls.of('rateLimits.take')).toBeLessThanOrEqual(11);
  });

  it('shrinks leases near the limit so the last units are taken one at a time', async () => {
    const limiter = new LeasedRateLimiter(store.rateLimits, { leaseShare: 1 / 2 });
    const policy = { bucket: 'key:shrink', limit: 16, windowMs: HOUR };
    for (let i = 0; i < 16; i++) expect((await limiter.take([policy]))!.allowed).toBe(true);
    expect((await limiter.take([policy]))!.allowed).toBe(false);
    expect(calls.of('rateLimits.take')).toBeGreaterThanOrEqual(5);
  });

  it('admits all or nothing across several policies', async () => {
    const limiter = new LeasedRateLimiter(store.rateLimits);
    const key = { bucket: 'key:k', limit: 10, windowMs: HOUR };
    const org = { bucket: 'org:o', limit: 3, windowMs: HOUR };
    const results = [];
    for (let i = 0; i < 5; i++) results.push((await limiter.take([key, org]))!.allowed);
    expect(results).toEqual([true, true, true, false, false]);
    // the key's units were not spent by the refused requests
    const alone = [];
    for (let i = 0; i < 10; i++) alone.push((await limiter.take([key]))!.allowed);
    expect(alone.filter(Boolean)).toHaveLength(7);
  });

  it('reports the tightest policy in the admission', async () => {
    const limiter = new LeasedRateLimiter(store.rateLimits);
    const admission = await limiter.take([{ bucket: 'a', limit: 100, windowMs: HOUR }, { bucket: 'b', limit: 5, windowMs: HOUR }]);
    expect(admission).toMatchObject({ allowed: true, limit: 5, remaining: 4 });
  });

  it('remembers a denial briefly, so a flood over the limit does not reach the store', async () => {
    const limiter = new LeasedRateLimiter(store.rateLimits);
    const policy = { bucket: 'key:flood', limit: 2, windowMs: HOUR };
    await limiter.take([policy]);
    await limiter.take([policy]);
    calls.reset();
    for (let i = 0; i < 100; i++) expect((await limiter.take([policy]))!.allowed).toBe(false);
    expect(calls.of('rateLimits.take')).toBeLessThanOrEqual(1);
  });

  it('admits again once the sliding window has moved on', async () => {
    let now = 10 * HOUR;
    const limiter = new LeasedRateLimiter(new MemoryRateLimits(), { now: () => now });
    const policy = { bucket: 'key:slide', limit: 4, windowMs: 60_000 };
    for (let i = 0; i < 4; i++) expect((await limiter.take([policy]))!.allowed).toBe(true);
    expect((await limiter.take([policy]))!.allowed).toBe(false);
    now += 60_000 + 30_000; // next window, half of the previous one still weighs: 4 * 0.5 = 2 used
    const after = [];
    for (let i = 0; i < 4; i++) after.push((await limiter.take([policy]))!.allowed);
    expect(after).toEqual([true, true, false, false]);
  });

  it('admits nothing to limit when there are no policies', async () => {
    expect(await new LeasedRateLimiter(store.rateLimits).take([])).toBeNull();
  });
});
