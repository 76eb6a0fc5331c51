import { createTestGatehouse } from '../../support/harness.js';
import type { Gatehouse } from '../../../src/gatehouse.js';
import { UsageRecorder } from '../../../src/api-keys/usage-recorder.js';

let gh: Gatehouse;
beforeAll(async () => {
  gh = await createTestGatehouse();
});
afterAll(() => gh.close());
const lastUsed = async (key: string) => (await gh.store.usage.lastUsedAtMany([key])).get(key) ?? null;

describe('UsageRecorder', () => {
  it('buffers touches in memory and writes per-day counts and last_used_at in one flush', async () => {
    const recorder = new UsageRecorder({ store: gh.store.usage, logger: gh.logger, flushMs: 60_000 });
    const day1 = new Date('2030-03-01T10:00:00Z');
    const day2 = new Date('2030-03-02T09:00:00Z');
    for (let i = 0; i < 5; i++) recorder.touch('key_a', day1);
    recorder.touch('key_a', day2);
    expect(await lastUsed('key_a')).toBeNull();
    expect(recorder.pendingLastUsedAt('key_a')).toEqual(day2);
    await recorder.flush();
    expect(await lastUsed('key_a')).toEqual(day2);
    expect(await gh.store.usage.daily('key_a', '2030-03-01', '2030-03-02')).toEqual([
      { day: '2030-03-01', count: 5 }, { day: '2030-03-02', count: 1 },
    ]);
    recorder.touch('key_a', day1);
    await recorder.close();
    expect(await gh.store.usage.daily('key_a', '2030-03-01', '2030-03-01')).toEqual([{ day: '2030-03-01', count: 6 }]);
    expect(await lastUsed('key_a')).toEqual(day2);
  });

  it('flushes on its own within the flush interval', async () => {
    const recorder = new UsageRecorder({ store: gh.store.usage, logger: gh.logger, flushMs: 100 });
    recorder.start();
    const at = new Date('2030-04-01T00:00:00Z');
    recorder.touch('key_b', at);
    await new Promise((r) => setTimeout(r, 350));
    expect(await lastUsed('key_b')).toEqual(at);
    await recorder.close();
  });

  it('keeps the counts when a write fails, and writes them with the next flush', async () => {
    const other = await createTestGatehouse();
    const recorder = new UsageRecorder({ store: other.store.usage, logger: other.logger, flushMs: 60_000 });
    recorder.touch('key_c', new Date('2030-05-01T00:00:00Z'));
    await other.store.close();
    await recorder.flush(); // fails: the store is closed
    await expect(recorder.flush()).resolves.toBeUndefined();
    expect(recorder.pendingLastUsedAt('key_c')).toEqual(new Date('2030-05-01T00:00:00Z'));
  });
});
