import type { MeterIncrement } from '../store/ports.js';

/** An organization's monthly units: used (all instances, as stored) and the plan's quota (null: unlimited). */
export interface QuotaState {
  organizationId: string;
  /** YYYY-MM (UTC) */
  month: string;
  used: number;
  quota: number | null;
}

/**
 * Where a `UsageMeter` writes and reads: the store, in Gatehouse's own process (`storeSink`), or
 * Gatehouse over HTTP, in a remote resource server (`remoteSink`).
 */
export interface MeterSink {
  /** writes one flush, at most once per `flushId`; the quota states of the organizations it touched */
  report(flushId: string, increments: readonly MeterIncrement[]): Promise<QuotaState[]>;
  /** the current quota states of these organizations */
  quotas(organizationIds: readonly string[]): Promise<QuotaState[]>;
}
