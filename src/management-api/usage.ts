import { z } from 'zod';
import { missing } from '../domain/permissions.js';
import { problems } from '../http/problem.js';
import type { UsageReports } from '../usage/reports.js';
import { orgRoute, type AnyRoute } from './route-kit.js';

const usageQuery = z.object({
  granularity: z.enum(['hour', 'day']).default('day'),
  from: z.string().max(40).optional().describe('RFC 3339 date-time or YYYY-MM-DD, rounded down to its hour or day (default: 24 hours or 30 days before `to`)'),
  to: z.string().max(40).optional().describe('exclusive end, rounded down (default: the end of the current period)'),
  key_id: z.string().max(100).optional().describe("one key's usage (needs `api_keys:read` too)"),
}).strict();

const usagePoint = z.object({
  start: z.string(),
  requests: z.object({ ok: z.number(), denied: z.number(), rate_limited: z.number() }),
  units: z.number(),
});

/**
 * `GET /v1/organizations/{org}/usage` (SPEC §9). `organizations:read`: the organization's own
 * consumption, like its quota on the organization object (every member reads it); one key's
 * series (`key_id`) also needs `api_keys:read`, as the key's own usage route does.
 */
export function usageRoutes(reports: UsageReports): AnyRoute[] {
  return [
    orgRoute({
      method: 'get', path: '/organizations/{org}/usage', tag: 'Usage',
      summary: 'Requests by outcome and metered units per hour or UTC day (at most 31 days of hours or 366 days)',
      permission: 'organizations:read', query: usageQuery, response: z.object({ data: z.array(usagePoint) }),
      handle: async ({ org, principal, query }) => {
        if (query.key_id !== undefined && missing(principal.permissions, ['api_keys:read']).length > 0) throw problems.insufficientScope(['api_keys:read']);
        return { data: await reports.series(org.id, { granularity: query.granularity, from: query.from, to: query.to, keyId: query.key_id }) };
      },
    }),
  ];
}
