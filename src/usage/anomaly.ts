import { randomBytes } from 'node:crypto';
import type { Config } from '../config/schema.js';
import type { Events } from '../events/emitter.js';
import type { Store } from '../store/ports.js';
import { HOUR_MS, hourStart } from './periods.js';

const JOB = 'usage-anomalies';
/** How long one sweep may hold the job before another instance may take it over. */
const LEASE_MS = 10 * 60_000;
/** An hour is judged this long after it closes, so every instance's last flush (and remote reports) are in. */
export const ANOMALY_SETTLE_MS = 5 * 60_000;
/** How far back a sweep catches up after a pause (older hours are left unjudged). */
const CATCH_UP_HOURS = 24;
const HISTORY_MS = 7 * 24 * HOUR_MS;

/** The median of `values` (0 when empty). */
export function median(values: readonly number[]): number {
  if (!values.length) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export interface AnomalySweepDeps {
  store: Pick<Store, 'metering' | 'jobLeases'>;
  events: Events;
  config: Config['usage'];
  now?: () => number;
}

/**
 * The `usage.anomaly` rule (SPEC §9): once an hour has closed (and settled for
 * `ANOMALY_SETTLE_MS`), every key whose requests that hour (ok + denied + rate-limited) exceed
 * `usage.anomalyFloor` AND `usage.anomalyFactor` × its usual hour is reported, once per key and
 * hour. The usual hour is the median of the key's hours with any use in the 7 days before that
 * hour (0 for a key with none: then the floor alone decides). One instance sweeps at a time (a job
 * lease remembering the last hour judged, so a pause is caught up, up to 24 hours), and each event
 * is once-keyed (`usage.anomaly:<key>:<hour>`) in the outbox, so neither two instances nor a crash
 * mid-sweep report a key-hour twice.
 */
export class AnomalySweep {
  private readonly owner = `anomaly-${randomBytes(6).toString('hex')}`;
  private readonly now: () => number;

  constructor(private readonly deps: AnomalySweepDeps) {
    this.now = deps.now ?? Date.now;
  }

  /** One sweep. @returns the events stored, or null when another instance holds the job */
  async sweep(): Promise<number | null> {
    const now = this.now();
    const state = await this.deps.store.jobLeases.acquire(JOB, this.owner, new Date(now), new Date(now + LEASE_MS));
    if (!state) return null;
    // the newest hour that has closed and settled
    const last = hourStart(now - ANOMALY_SETTLE_MS) - HOUR_MS;
    const judged = typeof state.judged_until === 'string' ? Date.parse(state.judged_until) : last - HOUR_MS;
    let stored = 0;
    let hour = Math.max(judged + HOUR_MS, last - (CATCH_UP_HOURS - 1) * HOUR_MS);
    try {
      for (; hour <= last; hour += HOUR_MS) stored += await this.judge(hour, now);
    } finally {
      await this.deps.store.jobLeases.release(JOB, this.owner, { judged_until: new Date(Math.max(judged, hour - HOUR_MS)).toISOString() });
    }
    return stored;
  }

  private async judge(hour: number, now: number): Promise<number> {
    const { anomalyFloor, anomalyFactor } = this.deps.config;
    const at = new Date(hour);
    const records = [];
    for (const busy of await this.deps.store.metering.busyKeys(at, anomalyFloor)) {
      const usual = median(await this.deps.store.metering.keyHourRequests(busy.keyId, new Date(hour - HISTORY_MS), at));
      if (busy.requests <= anomalyFactor * usual) continue;
      records.push(this.deps.events.record('usage.anomaly', {
        organizationId: busy.organizationId, caller: null, target: { type: 'api_key', id: busy.keyId }, at: new Date(now),
        onceKey: `usage.anomaly:${busy.keyId}:${at.toISOString()}`,
        data: { api_key_id: busy.keyId, hour: at.toISOString(), requests: busy.requests, usual_requests: usual },
        metadata: { hour: at.toISOString(), requests: busy.requests, usual_requests: usual },
      }));
    }
    return records.length ? (await this.deps.events.emit(records)).length : 0;
  }
}
