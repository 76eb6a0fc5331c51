import type { Principal } from '../domain/principal.js';
import type { AuditEvent } from '../store/ports.js';

/**
 * Who performs an administrative action: an authenticated principal, or the operator at the CLI
 * (every permission, every organization).
 */
export interface Caller {
  principal: Principal | 'operator';
  /** client address, for the audit log */
  ip?: string | null;
}

/** The CLI operator. */
export const OPERATOR: Caller = { principal: 'operator', ip: null };

/** The audit actor of a caller. */
export function actorOf(caller: Caller): AuditEvent['actor'] {
  const p = caller.principal;
  return p === 'operator' ? { type: 'cli', id: null } : { type: p.type, id: p.subject };
}

/** The `createdBy` of what a caller creates: `user:<id>`, `api_key:<id>`, `client:<id>` or `cli`. */
export function createdByOf(caller: Caller): string {
  const p = caller.principal;
  return p === 'operator' ? 'cli' : `${p.type}:${p.subject}`;
}
