import type { Logger } from 'pino';
import type { Config } from '../config/schema.js';
import type { Events } from '../events/emitter.js';
import type { Store } from '../store/ports.js';
import { Poller } from '../ops/poller.js';
import { AnomalySweep } from './anomaly.js';
import { UsageMeter } from './meter.js';
import { UsageReports } from './reports.js';
import { storeSink } from './store-sink.js';
import { ThresholdAlerts } from './thresholds.js';
import type { MeterSink } from './sink.js';

export interface UsagePart {
  /** the in-process meter: the resource server counts into it */
  meter: UsageMeter;
  /** the store as a sink: the remote reporting endpoint writes through it */
  sink: MeterSink;
  reports: UsageReports;
  /** the `usage.anomaly` rule, swept every 5 minutes once `sweeps.start()` (background work) */
  anomalies: AnomalySweep;
  sweeps: Poller;
  start(): void;
  /** stops the sweeps and writes what is counted (shutdown: nothing is lost) */
  close(): Promise<void>;
}

/** Metering (SPEC §9): the meter over the store, quota thresholds through the events outbox, reports. */
export function createUsagePart(deps: {
  store: Pick<Store, 'metering' | 'organizations' | 'apiKeys' | 'jobLeases'>; config: Config; events: Events; logger: Logger; now?: () => number;
}): UsagePart {
  const { store, config, logger } = deps;
  const thresholds = new ThresholdAlerts({ events: deps.events, logger });
  const sink = storeSink({ metering: store.metering, organization: (id) => store.organizations.findById(id), config, thresholds, now: deps.now });
  const meter = new UsageMeter({ sink, logger, flushMs: config.apiKeys.usageFlushMs, now: deps.now });
  const reports = new UsageReports({
    metering: store.metering, meter, config, now: deps.now,
    keyOf: async (organizationId, keyId) => {
      const key = await store.apiKeys.findById(keyId);
      return key && key.organizationId === organizationId ? key : null;
    },
  });
  const anomalies = new AnomalySweep({ store, events: deps.events, config: config.usage, now: deps.now });
  const sweeps = new Poller({ name: 'usage anomaly sweep', intervalMs: 5 * 60_000, logger, task: async () => { await anomalies.sweep(); } });
  return {
    meter, sink, reports, anomalies, sweeps,
    start: () => meter.start(),
    close: async () => {
      await sweeps.stop();
      await meter.close();
    },
  };
}

export { UsageMeter } from './meter.js';
export type { MeterSink, QuotaState } from './sink.js';
