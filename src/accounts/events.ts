import type { AuditLog } from '../audit/audit-log.js';

/**
 * Records what happened to a person's account in the server-level audit log (an account is not
 * one organization's): `account.<what>`, the person as actor and target, from `ip`. Never a secret.
 */
export function recordAccountEvent(audit: AuditLog, userId: string, what: string, ip: string | null, metadata: Record<string, unknown> = {}): Promise<unknown> {
  return audit.record({
    organizationId: null, action: `account.${what}`, ip,
    caller: { principal: { type: 'user', subject: userId, organization: null, environment: null, permissions: [] }, ip },
    target: { type: 'user', id: userId }, metadata,
  });
}
