import { randomUUID } from 'node:crypto';
import type { StoreContext } from '../store-contract.js';

const T = 1_900_000_000_000;

/** Single-use claims (DPoP proof `jti`s): once per key until the claim expires, across connections. */
export function singleUseContract(ctx: StoreContext): void {
  const key = () => `dpop:${randomUUID()}`;

  it('grants the first claim of a key and refuses the next ones while it lasts', async () => {
    const k = key();
    expect(await ctx.store.singleUse.claim(k, new Date(T + 60_000), new Date(T))).toBe(true);
    expect(await ctx.store.singleUse.claim(k, new Date(T + 60_000), new Date(T + 1))).toBe(false);
    expect(await ctx.peer.singleUse.claim(k, new Date(T + 120_000), new Date(T + 59_999))).toBe(false);
  });

  it('lets a key be claimed again once its claim has expired', async () => {
    const k = key();
    expect(await ctx.store.singleUse.claim(k, new Date(T + 1000), new Date(T))).toBe(true);
    expect(await ctx.peer.singleUse.claim(k, new Date(T + 5000), new Date(T + 1000))).toBe(true);
    expect(await ctx.store.singleUse.claim(k, new Date(T + 9000), new Date(T + 4000))).toBe(false);
  });

  it('grants exactly one of many concurrent claims of one key, from two connections', async () => {
    const k = key();
    const claims = Array.from({ length: 20 }, (_, i) => (i % 2 ? ctx.peer : ctx.store).singleUse.claim(k, new Date(Date.now() + 60_000)));
    expect((await Promise.all(claims)).filter(Boolean)).toHaveLength(1);
  });

  it('keeps keys apart, and sweeping removes only expired claims', async () => {
    const [a, b] = [key(), key()];
    const now = Date.now();
    expect(await ctx.store.singleUse.claim(a, new Date(now - 1))).toBe(true);
    expect(await ctx.store.singleUse.claim(b, new Date(now + 60_000))).toBe(true);
    await ctx.store.sweepExpired(new Date(now));
    expect(await ctx.store.singleUse.claim(a, new Date(now + 60_000))).toBe(true);
    expect(await ctx.store.singleUse.claim(b, new Date(now + 60_000))).toBe(false);
  });
}
