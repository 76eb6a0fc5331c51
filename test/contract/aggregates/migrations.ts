import type { StoreContext } from '../store-contract.js';

/** Schema migrations, as the store reports and applies them. */
export function migrationsContract(ctx: StoreContext): void {
  it('is migrated when opened: the latest version, every step applied and described, nothing pending', async () => {
    const status = await ctx.store.migrations.status();
    expect(status.latest).toBeGreaterThanOrEqual(1);
    expect(status.current).toBe(status.latest);
    expect(status.pending).toEqual([]);
    expect(status.indexChanges).toEqual([]);
    expect(status.applied.map((s) => s.version)).toEqual(Array.from({ length: status.latest }, (_, i) => i + 1));
    for (const step of status.applied) {
      expect(step.description).toMatch(/\w/);
      expect(step.appliedAt).toBeInstanceOf(Date);
    }
  });

  it('applying again, from either connection, changes nothing', async () => {
    const before = await ctx.store.migrations.status();
    expect(await ctx.peer.migrations.apply()).toEqual(before);
    expect(await ctx.store.migrations.apply()).toEqual(before);
  });
}
