import { z } from 'zod';
import { auditEventToJson, type AuditLog } from '../audit/audit-log.js';
import { orgRoute, serverRoute, type AnyRoute } from './route-kit.js';
import { listQuery, pageJson, pageOf, timestamp } from './schemas/common.js';

const auditEventObject = z.object({
  id: z.string(), organization: z.string().nullable(),
  action: z.string().describe('e.g. `api_key.created`, `user.updated`, `auth.failed`'),
  actor: z.object({ type: z.enum(['user', 'api_key', 'client', 'scim_token', 'cli', 'anonymous', 'system']), id: z.string().nullable() }),
  target: z.object({ type: z.string(), id: z.string() }).nullable(),
  ip: z.string().nullable(), at: timestamp, metadata: z.record(z.string(), z.unknown()),
});

/** The audit log, newest first: an organization's, and the server's own (failed authentications, organization creation). */
export function auditLogRoutes(audit: AuditLog): AnyRoute[] {
  const list = (organizationId: string | null, query: { limit: number; cursor?: string }) =>
    audit.list(organizationId, { limit: query.limit, cursor: query.cursor ?? null }).then((page) => pageJson(page, auditEventToJson));
  return [
    orgRoute({
      method: 'get', path: '/organizations/{org}/audit-logs', tag: 'Audit log', summary: 'Audit events, newest first',
      permission: 'audit:read', query: listQuery, response: pageOf(auditEventObject),
      handle: ({ org, query }) => list(org.id, query),
    }),
    serverRoute({
      method: 'get', path: '/audit-logs', tag: 'Audit log', summary: 'Server-level audit events (server scope), newest first',
      permission: 'audit:read', query: listQuery, response: pageOf(auditEventObject),
      handle: ({ query }) => list(null, query),
    }),
  ];
}
