import pino from 'pino';
import { UsageRecorder } from '../../../src/api-keys/usage-recorder.js';
import { newId } from '../../../src/domain/ids.js';
import type { UsageStore } from '../../../src/store/ports.js';
import type { StoreContext } from '../store-contract.js';

/**
 * The store's usage port, except that its `n`-th write fails: before reaching the store
 * (`'before'`: nothing applied) or after it (`'after'`: applied, but the caller hears an error,
 * as when an acknowledgement is lost to a timeout or a dropped connection).
 */
function failingWrite(usage: UsageStore, n: number, when: 'before' | 'after'): UsageStore {
  let writes = 0;
  return {
    lastUsedAtMany: (ids) => usage.lastUsedAtMany(ids),
    daily: (key, from, to) => usage.daily(key, from, to),
    async record(increments, flushId) {
      writes++;
      if (writes === n && when === 'before') throw new Error('connection reset before the write');
      await usage.record(increments, flushId);
      if (writes === n && when === 'after') throw new Error('acknowledgement lost after the write');
    },
  };
}

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

  it('applies a flush id at most once, across connections, while other ids still add', async () => {
    const key = newId('key');
    const flush = [{ keyId: key, day: '2030-06-01', count: 5, lastUsedAt: new Date('2030-06-01T01:00:00Z') }];
    await usage().record(flush, 'flush_a');
    await usage().record(flush, 'flush_a');
    await ctx.peer.usage.record(flush, 'flush_a');
    expect(await usage().daily(key, '2030-06-01', '2030-06-01')).toEqual([{ day: '2030-06-01', count: 5 }]);
    await usage().record(flush, 'flush_b');
    await usage().record(flush);
    expect(await usage().daily(key, '2030-06-01', '2030-06-01')).toEqual([{ day: '2030-06-01', count: 15 }]);
  });

  it.each(['after', 'before'] as const)('counts every use exactly once when the second flush\'s write fails %s reaching the store', async (when) => {
    const key = newId('key');
    const recorder = new UsageRecorder({ store: failingWrite(usage(), 2, when), logger: pino({ level: 'silent' }), flushMs: 60_000 });
    const day = new Date('2030-07-01T12:00:00Z');
    recorder.touch(key, day);
    await recorder.flush();
    for (let i = 0; i < 3; i++) recorder.touch(key, new Date(day.getTime() + 1000));
    await recorder.flush(); // the failing write
    recorder.touch(key, new Date(day.getTime() + 2000));
    await recorder.flush(); // retries the failed flush as it was, then the new use
    await recorder.close();
    expect(await usage().daily(key, '2030-07-01', '2030-07-01')).toEqual([{ day: '2030-07-01', count: 5 }]);
    expect(await lastUsed(key)).toEqual(new Date(day.getTime() + 2000));
  });

  it('accepts an empty flush', async () => {
    await expect(usage().record([])).resolves.toBeUndefined();
  });
}
