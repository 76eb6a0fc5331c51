import type { Config } from '../config/schema.js';
import { problems } from '../http/problem.js';
import type { MeteringStore, Organization, UsageHour } from '../store/ports.js';
import { HOUR_MS } from './periods.js';
import { monthlyQuota, quotaJson, type QuotaJson } from './quota.js';
import type { UsageMeter } from './meter.js';

const DAY_MS = 24 * HOUR_MS;
/** The most points one answer holds: 31 days of hours, or 366 days. */
export const MAX_SPAN = { hour: 31 * DAY_MS, day: 366 * DAY_MS } as const;
const DEFAULT_SPAN = { hour: DAY_MS, day: 30 * DAY_MS } as const;

export type Granularity = 'hour' | 'day';

export interface UsageQuery { granularity: Granularity; from?: string; to?: string; keyId?: string }

/** One point of the usage series (SPEC §9). */
export interface UsagePoint { start: string; requests: { ok: number; denied: number; rate_limited: number }; units: number }

export interface UsageReportsDeps {
  metering: MeteringStore;
  meter: Pick<UsageMeter, 'flush' | 'quotaOf'>;
  /** the organization's API key, or null (another organization's keys are null too) */
  keyOf(organizationId: string, keyId: string): Promise<{ id: string } | null>;
  config: Pick<Config, 'plans' | 'defaultPlan'>;
  now?: () => number;
}

/** Reads usage for the management API: the hourly or daily series and the organization's quota. */
export class UsageReports {
  private readonly now: () => number;

  constructor(private readonly deps: UsageReportsDeps) {
    this.now = deps.now ?? Date.now;
  }

  /**
   * Every hour or UTC day in [from, to) (each rounded down to its period; default: the last 24
   * hours, or 30 days, up to the current period), oldest first, zeros included.
   * @throws HttpProblem 400 (bad or too long range), 404 (a key not of this organization)
   */
  async series(organizationId: string, query: UsageQuery): Promise<UsagePoint[]> {
    const step = query.granularity === 'hour' ? HOUR_MS : DAY_MS;
    const floor = (ms: number) => ms - (ms % step);
    const parse = (field: 'from' | 'to', value: string | undefined, fallback: number) => {
      if (value === undefined) return fallback;
      const ms = Date.parse(value);
      if (!Number.isFinite(ms) || !/^\d{4}-\d{2}-\d{2}/.test(value)) throw problems.validation([{ field, message: 'must be an RFC 3339 date-time or a date (YYYY-MM-DD)' }]);
      return floor(ms);
    };
    const to = parse('to', query.to, floor(this.now()) + step);
    const from = parse('from', query.from, to - DEFAULT_SPAN[query.granularity]);
    if (from >= to) throw problems.validation([{ field: 'from', message: 'must be before `to` (by at least one period)' }]);
    if (to - from > MAX_SPAN[query.granularity]) {
      throw problems.validation([{ field: 'from', message: `must be at most ${query.granularity === 'hour' ? '31 days' : '366 days'} before \`to\` at granularity ${query.granularity}` }]);
    }
    if (query.keyId !== undefined && !(await this.deps.keyOf(organizationId, query.keyId))) throw problems.notFound('API key');
    await this.deps.meter.flush();
    const hours = await this.deps.metering.hours(organizationId, new Date(from), new Date(to), query.keyId);
    return densify(hours, from, to, step, floor);
  }

  /** The organization object's `quota`. */
  async quota(org: Organization): Promise<QuotaJson> {
    const state = await this.deps.meter.quotaOf(org.id);
    return quotaJson(monthlyQuota(this.deps.config, org.plan), state.used, this.now());
  }
}

function densify(hours: readonly UsageHour[], from: number, to: number, step: number, floor: (ms: number) => number): UsagePoint[] {
  const points = new Map<number, UsagePoint>();
  for (let at = from; at < to; at += step) points.set(at, { start: new Date(at).toISOString(), requests: { ok: 0, denied: 0, rate_limited: 0 }, units: 0 });
  for (const h of hours) {
    const p = points.get(floor(h.hour.getTime()))!;
    p.requests.ok += h.ok;
    p.requests.denied += h.denied;
    p.requests.rate_limited += h.rateLimited;
    p.units += h.units;
  }
  return [...points.values()];
}
