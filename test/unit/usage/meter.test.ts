import pino from 'pino';
import { openStore } from '../../../src/store/open.js';
import type { Store } from '../../../src/store/ports.js';
import type { Principal } from '../../../src/domain/principal.js';
import { UsageMeter } from '../../../src/usage/meter.js';
import { storeSink } from '../../../src/usage/store-sink.js';
import type { MeterSink } from '../../../src/usage/sink.js';

const logger = pino({ level: 'silent' });
const CONFIG = {
  plans: { metered: { maxActiveKeys: 10, rateLimit: { limit: 100, windowSeconds: 60 }, monthlyUnits: 100 as number | 'unlimited' } },
  defaultPlan: 'metered',
};
const live: Principal = { type: 'api_key', subject: 'key_1', key_id: 'key_1', organization: 'org_1', environment: 'live', permissions: [] };

describe('UsageMeter', () => {
  let store: Store;
  let sink: MeterSink;
  let clock: number;
  beforeEach(async () => {
    store = await openStore('sqlite::memory:');
    await store.organizations.create({ id: 'org_1', slug: 'acme', name: 'Acme', plan: 'metered', mfaRequired: false, leakedKeyPolicy: 'revoke', createdAt: new Date() });
    sink = storeSink({ metering: store.metering, organization: (id) => store.organizations.findById(id), config: CONFIG, now: () => clock });
    clock = Date.parse('2030-05-10T10:15:00Z');
  });
  afterEach(() => store.close());
  const meter = (s: MeterSink = sink, flushMs = 1000) => new UsageMeter({ sink: s, logger, flushMs, now: () => clock });

  it('holds the quota exactly within one instance, flushed or not', async () => {
    const m = meter();
    let admitted = 0;
    for (let n = 0; n < 60; n++) {
      if (!(await m.check(live, 3))) { m.record(live, 3); admitted++; }
      if (n % 7 === 0) await m.flush();
    }
    expect(admitted).toBe(33);
    await m.flush();
    expect(await store.metering.monthUnits('org_1', '2030-05')).toBe(99);
  });

  it('across instances, overshoots by at most what the others admitted within one flush interval', async () => {
    const [a, b] = [meter(), meter()];
    const admit = async (m: UsageMeter) => {
      if (await m.check(live, 1)) return 0;
      m.record(live, 1);
      return 1;
    };
    let admitted = 0;
    // each instance admits up to 10 units per flush interval, both flush every interval
    for (let interval = 0; interval < 20; interval++) {
      for (let n = 0; n < 10; n++) admitted += (await admit(a)) + (await admit(b));
      clock += 1000;
      await Promise.all([a.flush(), b.flush()]);
    }
    expect(admitted).toBeGreaterThanOrEqual(100);
    expect(admitted).toBeLessThanOrEqual(100 + 10);
  });

  it('never counts test keys or server-scoped credentials against a quota', async () => {
    const m = meter();
    const test = { ...live, environment: 'test' as const };
    const server = { ...live, organization: null };
    expect(await m.check(test, 1000)).toBeNull();
    expect(await m.check(server, 1000)).toBeNull();
    m.record(test, 1000);
    m.count(test, 'ok');
    await m.flush();
    expect(await store.metering.monthUnits('org_1', '2030-05')).toBe(0);
    expect(await store.metering.hours('org_1', new Date(0), new Date(clock + 1))).toMatchObject([{ ok: 1, units: 0 }]);
  });

  it('retries a failed flush as it was, same id, and counts it once when its acknowledgement was lost', async () => {
    let calls = 0;
    const ids: string[] = [];
    const flaky: MeterSink = {
      quotas: (ids2) => sink.quotas(ids2),
      async report(id, increments) {
        ids.push(id);
        calls++;
        const result = await sink.report(id, increments);
        if (calls === 1) throw new Error('acknowledgement lost');
        return result;
      },
    };
    const m = meter(flaky);
    m.count(live, 'ok');
    m.record(live, 5);
    await m.flush();
    m.count(live, 'ok');
    await m.flush();
    expect(ids[0]).toBe(ids[1]);
    expect(ids).toHaveLength(3);
    expect(await store.metering.monthUnits('org_1', '2030-05')).toBe(5);
    expect((await store.metering.hours('org_1', new Date(0), new Date(clock + 1)))[0]).toMatchObject({ ok: 2, units: 5 });
  });

  it('writes what it counted on close (shutdown loses nothing) and starts each month from zero', async () => {
    const m = meter();
    m.record(live, 100);
    expect(await m.check(live, 1)).toEqual({ resetAt: Date.parse('2030-06-01T00:00:00Z') });
    await m.close();
    expect(await store.metering.monthUnits('org_1', '2030-05')).toBe(100);
    clock = Date.parse('2030-06-01T00:00:01Z');
    expect(await m.check(live, 1)).toBeNull();
  });

  it('moves a request refused by a guard from ok to its outcome, in the hour it was counted', async () => {
    const m = meter();
    m.count(live, 'ok');
    m.count(live, 'ok');
    m.refused(live, 'denied');
    m.count(live, 'rate_limited');
    await m.flush();
    expect((await store.metering.hours('org_1', new Date(0), new Date(clock + 1)))[0]).toMatchObject({ ok: 1, denied: 1, rateLimited: 1 });
  });
});
