import { newId } from '../../../src/domain/ids.js';
import type { StoreContext } from '../store-contract.js';

/** Usage counters and last-used times. */
export function usageContract(ctx: StoreContext): void {
  const usage = () => ctx.store.usage;
  const lastUsed = async (key: string) => (await usage().lastUsedAtMany([key])).get(key) ?? null;

  it('adds counts per key and day across flushes and lists days oldest first within the range', async () => {
    const key = newId('key');
    const other = newId('key');
    const t = new Date('2030-01-02T10:00:00Z');
    await usage().record([
      { keyId: key, day: '2030-01-02', count: 3, lastUsedAt: t },
      { keyId: key, day: '2030-01-01', count: 1, lastUsedAt: t },
      { keyId: other, day: '2030-01-02', count: 100, lastUsedAt: t },
    ]);
    await usage().record([{ keyId: key, day: '2030-01-02', count: 4, lastUsedAt: t }]);
    await usage().record([{ keyId: key, day: '2030-01-05', count: 2, lastUsedAt: t }]);
    expect(await usage().daily(key, '2030-01-01', '2030-01-05')).toEqual([
      { day: '2030-01-01', count: 1 }, { day: '2030-01-02', count: 7 }, { day: '2030-01-05', count: 2 },
    ]);
    expect(await usage().daily(key, '2030-01-02', '2030-01-04')).toEqual([{ day: '2030-01-02', count: 7 }]);
    expect(await usage().daily(newId('key'), '2030-01-01', '2030-12-31')).toEqual([]);
  });

  it('raises lastUsedAt and never lowers it, whatever order flushes arrive in', async () => {
    const key = newId('key');
    expect(await lastUsed(key)).toBeNull();
    const t1 = new Date('2030-02-01T00:00:00.123Z');
    const t2 = new Date('2030-02-01T00:00:05.456Z');
    await usage().record([{ keyId: key, day: '2030-02-01', count: 1, lastUsedAt: t2 }]);
    await ctx.peer.usage.record([{ keyId: key, day: '2030-02-01', count: 1, lastUsedAt: t1 }]);
    expect(await lastUsed(key)).toEqual(t2);
    const t3 = new Date('2030-02-02T00:00:00Z');
    await usage().record([{ keyId: key, day: '2030-02-02', count: 1, lastUsedAt: t3 }]);
    expect(await lastUsed(key)).toEqual(t3);
    expect(await usage().daily(key, '2030-02-01', '2030-02-02')).toEqual([{ day: '2030-02-01', count: 2 }, { day: '2030-02-02', count: 1 }]);
  });

  it('reads the lastUsedAt of many keys at once, leaving out keys never used', async () => {
    const [a, b, never] = [newId('key'), newId('key'), newId('key')];
    const ta = new Date('2030-03-01T00:00:01.001Z');
    const tb = new Date('2030-03-02T00:00:02.002Z');
    await usage().record([{ keyId: a, day: '2030-03-01', count: 1, lastUsedAt: ta }, { keyId: b, day: '2030-03-02', count: 1, lastUsedAt: tb }]);
    const found = await usage().lastUsedAtMany([a, b, never]);
    expect(found).toEqual(new Map([[a, ta], [b, tb]]));
    expect(await usage().lastUsedAtMany([])).toEqual(new Map());
  });

  it('accepts an empty flush', async () => {
    await expect(usage().record([])).resolves.toBeUndefined();
  });
}
