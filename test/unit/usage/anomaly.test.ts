import { AnomalySweep, ANOMALY_SETTLE_MS, median } from '../../../src/usage/anomaly.js';
import type { Events } from '../../../src/events/emitter.js';
import type { Store } from '../../../src/store/ports.js';

const H = 3_600_000;
const T0 = Date.parse('2031-03-10T00:00:00Z');
const CONFIG = { anomalyFloor: 1000, anomalyFactor: 10 };

/** Hourly request counts per key (hour start → requests), a one-job lease, and an outbox deduplicating by once-key. */
function fakes() {
  const hours = new Map<string, Map<number, number>>();
  let lease: { owner: string | null; state: Record<string, unknown> } = { owner: null, state: {} };
  const stored: Array<{ onceKey: string; organizationId: string; data: Record<string, unknown> }> = [];
  const store = {
    metering: {
      busyKeys: async (hour: Date, min: number) => [...hours].flatMap(([keyId, byHour]) => {
        const requests = byHour.get(hour.getTime()) ?? 0;
        return requests > min ? [{ organizationId: 'org_1', keyId, requests }] : [];
      }),
      keyHourRequests: async (keyId: string, from: Date, to: Date) => [...(hours.get(keyId) ?? [])]
        .filter(([h, n]) => n > 0 && h >= from.getTime() && h < to.getTime()).sort(([a], [b]) => a - b).map(([, n]) => n),
    },
    jobLeases: {
      acquire: async (_job: string, owner: string) => {
        if (lease.owner) return null;
        lease = { owner, state: lease.state };
        return lease.state;
      },
      release: async (_job: string, owner: string, state: Record<string, unknown>) => {
        if (lease.owner !== owner) return false;
        lease = { owner: null, state };
        return true;
      },
    },
  } as unknown as Pick<Store, 'metering' | 'jobLeases'>;
  const events = {
    record: (_type: string, input: { onceKey: string; organizationId: string; data: Record<string, unknown> }) => input,
    emit: async (records: typeof stored) => {
      const fresh = records.filter((r) => !stored.some((s) => s.onceKey === r.onceKey));
      stored.push(...fresh);
      return fresh;
    },
  } as unknown as Events;
  const use = (keyId: string, hour: number, requests: number) => {
    if (!hours.has(keyId)) hours.set(keyId, new Map());
    hours.get(keyId)!.set(hour, requests);
  };
  return { store, events, stored, use };
}

describe('median', () => {
  it('is the middle value, or the mean of the two middle ones; 0 for none', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBe(0);
  });
});

describe('the usage.anomaly rule (fake clock)', () => {
  it('reports a key-hour above both the floor and factor × the median active hour of the previous 7 days, once, after the hour settles', async () => {
    const f = fakes();
    let now = T0;
    const sweep = () => new AnomalySweep({ store: f.store, events: f.events, config: CONFIG, now: () => now }).sweep();
    // a week of ~120 requests an hour (some idle hours, which do not lower the median)
    for (let h = T0 - 7 * 24 * H; h < T0; h += H) f.use('key_steady', h, h % (3 * H) === 0 ? 0 : 120);
    for (let h = T0 - 7 * 24 * H; h < T0; h += H) f.use('key_busy', h, 300);
    f.use('key_steady', T0, 1500); // 12.5 × 120, above the floor: anomalous
    f.use('key_busy', T0, 2500); // 8.3 × 300: usual enough
    f.use('key_new', T0, 900); // no history, but under the floor
    f.use('key_fresh', T0, 1200); // no history: the floor alone decides

    now = T0 + H + ANOMALY_SETTLE_MS - 1; // the hour closed but has not settled
    await sweep();
    expect(f.stored).toEqual([]);
    now = T0 + H + ANOMALY_SETTLE_MS;
    expect(await sweep()).toBe(2);
    expect(f.stored.map((e) => [e.onceKey, e.data.requests, e.data.usual_requests])).toEqual([
      [`usage.anomaly:key_steady:${new Date(T0).toISOString()}`, 1500, 120],
      [`usage.anomaly:key_fresh:${new Date(T0).toISOString()}`, 1200, 0],
    ]);
    // later sweeps judge only later hours: nothing twice
    now += 30 * 60_000;
    expect(await sweep()).toBe(0);
    expect(f.stored).toHaveLength(2);
  });

  it('catches up on the hours it missed during a pause, up to 24 hours back', async () => {
    const f = fakes();
    let now = T0 + H + ANOMALY_SETTLE_MS;
    const sweep = () => new AnomalySweep({ store: f.store, events: f.events, config: CONFIG, now: () => now }).sweep();
    await sweep(); // judges T0
    f.use('key_a', T0 + 2 * H, 5000);
    f.use('key_b', T0 + 5 * H, 6000);
    f.use('key_c', T0 + 40 * H, 7000);
    now = T0 + 6 * H + ANOMALY_SETTLE_MS; // hours T0+1 … T0+5 closed while nothing ran
    expect(await sweep()).toBe(2);
    now = T0 + 80 * H; // a long pause: only the last 24 hours (T0+55 … T0+78) are judged
    expect(await sweep()).toBe(0);
    expect(f.stored.map((e) => e.data.hour)).toEqual([new Date(T0 + 2 * H).toISOString(), new Date(T0 + 5 * H).toISOString()]);
  });

  it('lets one of two racing instances sweep; the other finds the job held', async () => {
    const f = fakes();
    f.use('key_a', T0, 5000);
    const at = () => T0 + H + ANOMALY_SETTLE_MS;
    const results = await Promise.all([0, 1].map(() => new AnomalySweep({ store: f.store, events: f.events, config: CONFIG, now: at }).sweep()));
    expect(results.sort()).toEqual([1, null]);
    expect(f.stored).toHaveLength(1);
  });
});
