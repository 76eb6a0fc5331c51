import type { Logger } from 'pino';
import type { Principal } from '../domain/principal.js';
import { newId } from '../domain/ids.js';
import type { Meter, RequestOutcome } from '../resource-server/metering.js';
import type { MaybePromise } from '../resource-server/maybe-async.js';
import type { MeterIncrement } from '../store/ports.js';
import { HOUR_MS, hourStart, monthOf, nextMonthStart } from './periods.js';
import type { MeterSink, QuotaState } from './sink.js';
import { BatchedWriter } from './batched-writer.js';

interface Slot { organizationId: string; keyId: string; hour: number; gen: number; ok: number; denied: number; rateLimited: number; units: number }

/** What this instance knows of an organization's month: the shared total as last heard, plus its own units not yet acknowledged. */
interface OrgMonth { month: string; used: number; quota: number | null | undefined; heardAt: number; pending: number; loading: Promise<void> | null }

export interface UsageMeterDeps {
  sink: MeterSink;
  logger: Pick<Logger, 'error'>;
  /** how often counts are written (and the longest an organization's shared total goes unread) */
  flushMs: number;
  now?: () => number;
}

/**
 * Counts requests and units in memory and writes them in batches (SPEC §9). Per request: one
 * WeakMap read and a few additions, no allocation, no I/O (each shared principal keeps its
 * current hour's slot).
 *
 * Quota: an organization is over when its shared monthly total as last heard plus this
 * instance's units not yet acknowledged plus the cost would pass the plan's quota. The shared
 * total is refreshed by every flush that touches the organization and re-read in the background
 * once it is `flushMs` old, so across instances the quota holds to within what the other
 * instances admitted in one flush interval (plus one round trip); within one instance it is
 * exact. Test keys and credentials without an organization are never counted against a quota.
 *
 * Exactly once: a flush carries an id and a failed one is retried as it was before anything
 * newer; `close()` writes what is left (SIGTERM loses nothing acknowledged to a caller).
 */
export class UsageMeter extends BatchedWriter<{ id: string; increments: MeterIncrement[] }> implements Meter {
  private gen = 0;
  private slots: Slot[] = [];
  private readonly current = new WeakMap<Principal, Slot>();
  private readonly orgs = new Map<string, OrgMonth>();
  private readonly now: () => number;

  constructor(private readonly deps: UsageMeterDeps) {
    super(deps.flushMs);
    this.now = deps.now ?? Date.now;
  }

  count(principal: Principal, outcome: RequestOutcome): void {
    const slot = this.slotOf(principal);
    if (!slot) return;
    if (outcome === 'ok') slot.ok++;
    else if (outcome === 'denied') slot.denied++;
    else slot.rateLimited++;
  }

  refused(principal: Principal, outcome: Exclude<RequestOutcome, 'ok'>): void {
    const slot = this.slotOf(principal);
    if (!slot) return;
    slot.ok--;
    if (outcome === 'denied') slot.denied++;
    else slot.rateLimited++;
  }

  record(principal: Principal, units: number): void {
    if (units <= 0 || !counted(principal)) return;
    const slot = this.slotOf(principal)!;
    slot.units += units;
    this.monthOf(principal.organization!).pending += units;
  }

  check(principal: Principal, units: number): MaybePromise<{ resetAt: number } | null> {
    if (!counted(principal)) return null;
    const org = this.monthOf(principal.organization!);
    if (org.quota === undefined) return this.refresh(principal.organization!, org).then(() => this.verdict(org, units));
    if (this.now() - org.heardAt >= this.deps.flushMs) void this.refresh(principal.organization!, org);
    return this.verdict(org, units);
  }

  /** What this instance knows of the organization's quota now (reads it when unknown). */
  async quotaOf(organizationId: string): Promise<QuotaState> {
    const org = this.monthOf(organizationId);
    if (org.quota === undefined || this.now() - org.heardAt >= this.deps.flushMs) await this.refresh(organizationId, org);
    return { organizationId, month: org.month, used: org.used + org.pending, quota: org.quota ?? null };
  }

  private verdict(org: OrgMonth, units: number): { resetAt: number } | null {
    if (org.quota === null || org.quota === undefined || units <= 0) return null;
    return org.used + org.pending + units > org.quota ? { resetAt: nextMonthStart(this.now()) } : null;
  }

  private refresh(organizationId: string, org: OrgMonth): Promise<void> {
    org.loading ??= this.deps.sink.quotas([organizationId])
      .then((states) => states.forEach((s) => this.heard(s)))
      .catch((err) => {
        this.deps.logger.error({ err, organizationId }, 'reading an organization\'s quota failed; it is not enforced until read');
        if (org.quota === undefined) org.quota = null;
      })
      .finally(() => { org.loading = null; });
    return org.loading;
  }

  private heard(state: QuotaState): void {
    const org = this.monthOf(state.organizationId);
    if (org.month !== state.month) return;
    org.used = state.used;
    org.quota = state.quota;
    org.heardAt = this.now();
  }

  /** The organization's state for the current month (a new month starts from nothing). */
  private monthOf(organizationId: string): OrgMonth {
    const month = monthOf(this.now());
    let org = this.orgs.get(organizationId);
    if (!org || org.month !== month) {
      org = { month, used: 0, quota: org?.quota, heardAt: 0, pending: 0, loading: null };
      this.orgs.set(organizationId, org);
    }
    return org;
  }

  private slotOf(principal: Principal): Slot | null {
    if (principal.organization === null) return null;
    const at = this.now();
    let slot = this.current.get(principal);
    if (slot && slot.gen === this.gen && at - slot.hour < HOUR_MS && at >= slot.hour) return slot;
    slot = {
      organizationId: principal.organization, keyId: principal.key_id ?? '', hour: hourStart(at), gen: this.gen,
      ok: 0, denied: 0, rateLimited: 0, units: 0,
    };
    this.slots.push(slot);
    this.current.set(principal, slot);
    return slot;
  }

  protected take(): { id: string; increments: MeterIncrement[] } | null {
    if (this.slots.length === 0) return null;
    const slots = this.slots;
    this.slots = [];
    this.gen++;
    return { id: newId('mflush'), increments: merge(slots) };
  }

  protected async send(flush: { id: string; increments: MeterIncrement[] }): Promise<boolean> {
    let states: QuotaState[];
    try {
      states = await this.deps.sink.report(flush.id, flush.increments);
    } catch (err) {
      this.deps.logger.error({ err, increments: flush.increments.length }, 'usage report failed; will retry it as it was');
      return false;
    }
    for (const i of flush.increments) {
      const org = this.orgs.get(i.organizationId);
      if (org && i.units > 0 && org.month === monthOf(i.hour.getTime())) org.pending = Math.max(0, org.pending - i.units);
    }
    states.forEach((s) => this.heard(s));
    return true;
  }
}

/** Credentials whose units count against a quota: an organization's, and not a test key. */
function counted(principal: Principal): boolean {
  return principal.organization !== null && principal.environment !== 'test';
}

/** One increment per organization, key and hour (several principals may share a key: a JWT per token). */
function merge(slots: readonly Slot[]): MeterIncrement[] {
  const merged = new Map<string, MeterIncrement>();
  for (const s of slots) {
    const id = `${s.organizationId}\0${s.keyId}\0${s.hour}`;
    const m = merged.get(id);
    if (m) {
      m.ok += s.ok; m.denied += s.denied; m.rateLimited += s.rateLimited; m.units += s.units;
    } else {
      merged.set(id, { organizationId: s.organizationId, keyId: s.keyId, hour: new Date(s.hour), ok: s.ok, denied: s.denied, rateLimited: s.rateLimited, units: s.units });
    }
  }
  return [...merged.values()].filter((m) => m.ok || m.denied || m.rateLimited || m.units);
}
