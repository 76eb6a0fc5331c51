import type { Config } from '../config/schema.js';
import type { MeterIncrement, MeteringStore } from '../store/ports.js';
import { monthOf } from './periods.js';
import { monthlyQuota, type OrganizationLookup } from './quota.js';
import type { MeterSink, QuotaState } from './sink.js';
import type { ThresholdAlerts } from './thresholds.js';

export interface StoreSinkDeps {
  metering: MeteringStore;
  organization: OrganizationLookup;
  config: Pick<Config, 'plans' | 'defaultPlan'>;
  thresholds?: ThresholdAlerts;
  now?: () => number;
}

/**
 * The store as a meter's sink, in Gatehouse's process; the remote reporting endpoint writes
 * through it too. Every state it hears passes the threshold alerts.
 */
export function storeSink(deps: StoreSinkDeps): MeterSink {
  const now = deps.now ?? Date.now;
  const quotaOf = async (organizationId: string) => {
    const org = await deps.organization(organizationId);
    return org ? monthlyQuota(deps.config, org.plan) : null;
  };
  const observed = async (states: QuotaState[]) => {
    if (deps.thresholds) for (const s of states) await deps.thresholds.observe(s);
    return states;
  };
  return {
    async report(flushId: string, increments: readonly MeterIncrement[]) {
      const changes = await deps.metering.record(flushId, increments);
      const month = monthOf(now());
      const states = await Promise.all(changes.filter((c) => c.month === month)
        .map(async (c) => ({ organizationId: c.organizationId, month: c.month, used: c.after, quota: await quotaOf(c.organizationId) })));
      return observed(states);
    },
    async quotas(organizationIds: readonly string[]) {
      const month = monthOf(now());
      return observed(await Promise.all(organizationIds.map(async (organizationId) => ({
        organizationId, month, used: await deps.metering.monthUnits(organizationId, month), quota: await quotaOf(organizationId),
      }))));
    },
  };
}
