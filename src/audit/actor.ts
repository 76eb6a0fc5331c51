import type { Principal } from '../domain/principal.js';
import type { AuditEvent } from '../store/ports.js';

/**
 * A SCIM token acting for its organization's identity provider at `/scim/v2` (and nowhere else:
 * no resource server or management route ever sees one), with the permissions it was given.
 */
export interface ScimPrincipal extends Omit<Principal, 'type' | 'environment'> {
  type: 'scim_token';
  organization: string;
  environment: null;
}

/**
 * Who performs an administrative action: an authenticated principal, a SCIM token, or the
 * operator at the CLI (every permission, every organization).
 */
export interface Caller {
  principal: Principal | ScimPrincipal | 'operator';
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

/** The `createdBy` of what a caller creates: `user:<id>`, `api_key:<id>`, `client:<id>`, `scim_token:<id>` or `cli`. */
export function createdByOf(caller: Caller): string {
  const p = caller.principal;
  return p === 'operator' ? 'cli' : `${p.type}:${p.subject}`;
}
