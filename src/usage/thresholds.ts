import type { Events } from '../events/emitter.js';
import { monthStart, nextMonthStart } from './periods.js';
import type { QuotaState } from './sink.js';

/** `quota.threshold` goes out when an organization's month reaches these shares of its quota (SPEC §9). */
export const QUOTA_THRESHOLDS = [80, 100] as const;

/**
 * Emits `quota.threshold` once per organization, month and threshold. Every quota state a flush
 * hears is observed, so whichever instance first sees a month past a threshold emits it, and a
 * crash between a flush and its event is made good by the next flush; the event is once-keyed
 * in the outbox (`quota.threshold:<org>:<month>:<percent>`), so instances racing emit one, and
 * each instance tries a given threshold once (remembered in memory).
 */
export class ThresholdAlerts {
  private readonly sent = new Set<string>();

  constructor(private readonly deps: { events: Events; logger: { error(o: object, m: string): void } }) {}

  async observe(state: QuotaState): Promise<void> {
    if (state.quota === null) return;
    for (const percent of QUOTA_THRESHOLDS) {
      const onceKey = `quota.threshold:${state.organizationId}:${state.month}:${percent}`;
      if (state.used * 100 < state.quota * percent || this.sent.has(onceKey)) continue;
      const start = Date.parse(`${state.month}-01T00:00:00Z`);
      const record = this.deps.events.record('quota.threshold', {
        organizationId: state.organizationId, caller: null, target: { type: 'organization', id: state.organizationId }, onceKey,
        data: {
          percent, used: state.used, quota: state.quota,
          period_start: new Date(monthStart(start)).toISOString(), period_end: new Date(nextMonthStart(start)).toISOString(),
        },
        metadata: { percent, used: state.used, quota: state.quota, month: state.month },
      });
      try {
        await this.deps.events.emit([record]);
        this.sent.add(onceKey);
      } catch (err) {
        this.deps.logger.error({ err, organizationId: state.organizationId, percent }, 'quota.threshold could not be stored; the next flush tries again');
      }
    }
  }
}
