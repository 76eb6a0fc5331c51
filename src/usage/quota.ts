import type { Config } from '../config/schema.js';
import type { Organization } from '../store/ports.js';
import { monthStart, nextMonthStart } from './periods.js';

/** The plan's monthly units (null: unlimited); an organization whose plan left the configuration is on the default plan. */
export function monthlyQuota(config: Pick<Config, 'plans' | 'defaultPlan'>, plan: string): number | null {
  const units = (Object.hasOwn(config.plans, plan) ? config.plans[plan] : config.plans[config.defaultPlan]).monthlyUnits;
  return units === 'unlimited' ? null : units;
}

/** The organization object's `quota` (SPEC §9): the current UTC month's units, used and allowed, and when they reset. */
export function quotaJson(quota: number | null, used: number, now: number) {
  return {
    units: quota === null ? ('unlimited' as const) : quota,
    used,
    period_start: new Date(monthStart(now)).toISOString(),
    resets_at: new Date(nextMonthStart(now)).toISOString(),
  };
}

export type QuotaJson = ReturnType<typeof quotaJson>;

/** Reads organizations (for their plan). */
export type OrganizationLookup = (id: string) => Promise<Organization | null>;
