import { newId } from '../../../src/domain/ids.js';
import type { StoreContext } from '../store-contract.js';

/** ping, sweepExpired, kind. (close is exercised by every factory's dispose.) */
export function lifecycleContract(ctx: StoreContext): void {
  it('answers a ping', async () => {
    await expect(ctx.store.ping()).resolves.toBeUndefined();
    expect(['sqlite', 'mongo']).toContain(ctx.store.kind);
  });

  it('sweeping expired rows keeps everything still live', async () => {
    const live = newId('t');
    const expired = newId('t');
    await ctx.store.oidc.upsert('Session', live, { uid: live }, new Date(Date.now() + 60_000));
    await ctx.store.oidc.upsert('Session', expired, { uid: expired }, new Date(Date.now() - 60_000));
    const bucket = `key:${newId('key')}`;
    const now = Date.now();
    await ctx.store.rateLimits.take({ bucket, windowMs: 60_000, limit: 1, cost: 1, now });

    await ctx.store.sweepExpired(new Date());

    expect(await ctx.store.oidc.find('Session', live)).toEqual({ uid: live });
    expect(await ctx.store.oidc.find('Session', expired)).toBeNull();
    // the window's counter survived the sweep: the bucket is still full
    expect((await ctx.store.rateLimits.take({ bucket, windowMs: 60_000, limit: 1, cost: 1, now: now + 1 })).allowed).toBe(false);
  });

  it('sweeping twice in a row is harmless', async () => {
    await ctx.store.sweepExpired(new Date());
    await expect(ctx.store.sweepExpired(new Date())).resolves.toBeUndefined();
  });
}
