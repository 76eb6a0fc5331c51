import { newId } from '../../../src/domain/ids.js';
import type { StoreContext } from '../store-contract.js';

/** Windows start at multiples of windowMs; T is the start of one, far from "now" so buckets never collide. */
const W = 1000;
const T = 1_900_000_000_000;

/** Sliding-window rate limits. */
export function rateLimitsContract(ctx: StoreContext): void {
  const take = (bucket: string, now: number, limit = 10, cost = 1) =>
    ctx.store.rateLimits.take({ bucket, windowMs: W, limit, cost, now });

  it('admits exactly `limit` within a fresh window, then refuses without counting the refusals', async () => {
    const bucket = `key:${newId('key')}`;
    for (let i = 1; i <= 10; i++) {
      expect(await take(bucket, T + 100 + i)).toEqual({ allowed: true, used: i, resetAt: T + W });
    }
    expect(await take(bucket, T + 500)).toEqual({ allowed: false, used: 10, resetAt: T + W });
    expect(await take(bucket, T + 999)).toEqual({ allowed: false, used: 10, resetAt: T + W });
  });

  it('weights the previous window by its overlap with the sliding window', async () => {
    const bucket = `org:${newId('org')}`;
    for (let i = 0; i < 8; i++) expect((await take(bucket, T + 10 * i)).allowed).toBe(true);
    // a quarter into the next window, 3/4 of the previous 8 still count: 6, so 4 more fit
    const results = [];
    for (let i = 0; i < 5; i++) results.push(await take(bucket, T + W + 250));
    expect(results.map((r) => r.allowed)).toEqual([true, true, true, true, false]);
    expect(results[3]).toEqual({ allowed: true, used: 10, resetAt: T + 2 * W });
    expect(results[4]).toEqual({ allowed: false, used: 10, resetAt: T + 2 * W });
    // three quarters in, only 1/4 of 8 = 2 count: with 4 in this window, 4 more fit
    const later = [];
    for (let i = 0; i < 5; i++) later.push(await take(bucket, T + W + 750));
    expect(later.map((r) => r.allowed)).toEqual([true, true, true, true, false]);
    expect(later[0].used).toBe(2 + 5);
    // two windows on, the first window no longer counts at all; the second (8 takes) weighs 1/2
    const next = await take(bucket, T + 2 * W + 500);
    expect(next).toEqual({ allowed: true, used: 4 + 1, resetAt: T + 3 * W });
    // and far later nothing counts
    expect(await take(bucket, T + 10 * W)).toEqual({ allowed: true, used: 1, resetAt: T + 11 * W });
  });

  it('takes `cost` units at once and refuses a take that would pass the limit', async () => {
    const bucket = `key:${newId('key')}`;
    expect(await take(bucket, T + 1, 10, 4)).toEqual({ allowed: true, used: 4, resetAt: T + W });
    expect(await take(bucket, T + 2, 10, 4)).toEqual({ allowed: true, used: 8, resetAt: T + W });
    expect(await take(bucket, T + 3, 10, 4)).toEqual({ allowed: false, used: 8, resetAt: T + W });
    expect(await take(bucket, T + 4, 10, 2)).toEqual({ allowed: true, used: 10, resetAt: T + W });
    expect((await take(`key:${newId('key')}`, T, 3, 4)).allowed).toBe(false);
  });

  it('keeps buckets apart', async () => {
    const a = `ip:${newId('a')}`;
    const b = `ip:${newId('b')}`;
    for (let i = 0; i < 3; i++) await take(a, T + 1, 3);
    expect((await take(a, T + 2, 3)).allowed).toBe(false);
    expect(await take(b, T + 2, 3)).toEqual({ allowed: true, used: 1, resetAt: T + W });
  });

  it('admits exactly `limit` of a 25-take concurrent burst on two connections', async () => {
    const bucket = `key:${newId('key')}`;
    const results = await Promise.all(Array.from({ length: 25 }, (_, i) =>
      (i % 2 ? ctx.peer : ctx.store).rateLimits.take({ bucket, windowMs: W, limit: 10, cost: 1, now: T + 300 })));
    expect(results.filter((r) => r.allowed)).toHaveLength(10);
    expect((await take(bucket, T + 301)).allowed).toBe(false);
  });

  it('counts a take whose clock is behind the bucket\'s newest window in that window, the previous one at full weight', async () => {
    const bucket = `key:${newId('key')}`;
    for (let i = 0; i < 8; i++) expect((await take(bucket, T + 100)).allowed).toBe(true);
    // half into the next window, 8 / 2 = 4 still count: 6 more fit
    const fresh = [];
    for (let i = 0; i < 7; i++) fresh.push((await take(bucket, T + W + 500)).allowed);
    expect(fresh).toEqual([true, true, true, true, true, true, false]);
    // a host whose clock still reads the first window must not count there (8 of 10 used): the
    // bucket is in the second window, where 8 + 6 = 14 count as of that window's start
    expect(await take(bucket, T + 900)).toEqual({ allowed: false, used: 14, resetAt: T + 2 * W });
    expect(await take(bucket, T + 950, 10, 1)).toEqual({ allowed: false, used: 14, resetAt: T + 2 * W });
  });

  it('lets a late clock take from a newer window while it has room, counting there', async () => {
    const bucket = `key:${newId('key')}`;
    expect(await take(bucket, T + W + 500)).toEqual({ allowed: true, used: 1, resetAt: T + 2 * W });
    expect(await take(bucket, T + 100)).toEqual({ allowed: true, used: 2, resetAt: T + 2 * W });
    // the host with the right clock sees both
    expect(await take(bucket, T + W + 600)).toEqual({ allowed: true, used: 3, resetAt: T + 2 * W });
  });

  it('reset forgets a bucket (and only that bucket)', async () => {
    const bucket = `login:${newId('u')}@example.com`;
    const other = `login:${newId('v')}@example.com`;
    for (let i = 0; i < 3; i++) {
      await take(bucket, T + 5, 3);
      await take(other, T + 5, 3);
    }
    expect((await take(bucket, T + 6, 3)).allowed).toBe(false);
    await ctx.store.rateLimits.reset(bucket);
    expect(await take(bucket, T + 7, 3)).toEqual({ allowed: true, used: 1, resetAt: T + W });
    expect((await take(other, T + 7, 3)).allowed).toBe(false);
    await expect(ctx.store.rateLimits.reset(`ip:${newId('none')}`)).resolves.toBeUndefined();
  });

  it('works with real clock times and minute-long windows', async () => {
    const bucket = `key:${newId('key')}`;
    const now = Date.now();
    const r = await ctx.store.rateLimits.take({ bucket, windowMs: 60_000, limit: 2, cost: 1, now });
    expect(r.allowed).toBe(true);
    expect(r.resetAt).toBe(Math.floor(now / 60_000) * 60_000 + 60_000);
    expect(r.used).toBeGreaterThanOrEqual(1);
    expect(r.used).toBeLessThanOrEqual(2);
  });
}
