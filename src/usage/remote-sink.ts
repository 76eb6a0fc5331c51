import { gatehouseCaller, type GatehouseSharingOptions } from '../resource-server/remote-sharing.js';
import type { MeterIncrement } from '../store/ports.js';
import type { MeterSink, QuotaState } from './sink.js';

/** Where remote resource servers report usage, under the issuer. */
export const USAGE_REPORT_PATH = '/resource-server/usage';

interface Answer { quotas: Array<{ organization: string; month: string; used: number; quota: number | null }> }

const states = (answer: Answer): QuotaState[] =>
  answer.quotas.map((q) => ({ organizationId: q.organization, month: q.month, used: q.used, quota: q.quota }));

/**
 * Gatehouse over HTTP as a meter's sink, for a remote resource server: each flush is one `POST
 * /resource-server/usage` as the service's client, with the flush id (a retry after a lost
 * answer is applied once), answered with the quotas of the organizations it touched.
 */
export function remoteSink(options: GatehouseSharingOptions): MeterSink {
  const post = gatehouseCaller(options);
  return {
    async report(flushId: string, increments: readonly MeterIncrement[]) {
      return states(await post<Answer>(USAGE_REPORT_PATH, {
        flush_id: flushId,
        increments: increments.map((i) => ({
          organization: i.organizationId, key_id: i.keyId || null, hour: i.hour.toISOString(),
          ok: i.ok, denied: i.denied, rate_limited: i.rateLimited, units: i.units,
        })),
      }));
    },
    async quotas(organizationIds: readonly string[]) {
      return states(await post<Answer>(USAGE_REPORT_PATH, { organizations: organizationIds }));
    },
  };
}
