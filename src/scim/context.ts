import type { Caller } from '../audit/actor.js';
import type { AuditLog } from '../audit/audit-log.js';
import { BUILT_IN_ROLES } from '../domain/permissions.js';
import type { Identity } from '../identity/index.js';
import { collectAll } from '../identity/paging.js';
import type { Store } from '../store/ports.js';
import type { ScimAuthority } from './authority.js';
import type { SeatRoles } from './seat-roles.js';
import type { RenderContext } from './users/representation.js';
import type { Seats } from './users/seats.js';

/** One SCIM request: the token's caller and its organization. */
export interface ScimRequest {
  caller: Caller;
  organizationId: string;
}

/** What the SCIM services share. */
export interface ScimDeps {
  store: Store;
  identity: Identity;
  audit: AuditLog;
  seats: Seats;
  seatRoles: SeatRoles;
  authority: ScimAuthority;
  /** `<issuer>/scim/v2` */
  base: string;
}

/** How roles are rendered as Groups in this organization right now: built-in ones by name, custom ones by their id. */
export async function renderContext(deps: Pick<ScimDeps, 'store' | 'base'>, organizationId: string): Promise<RenderContext> {
  const custom = new Map((await collectAll((page) => deps.store.roles.list(organizationId, page))).map((r) => [r.name, r.id]));
  return { base: deps.base, groupIdOf: (name) => (Object.hasOwn(BUILT_IN_ROLES, name) ? name : custom.get(name) ?? null) };
}

/** Appends an audit event of a SCIM change, by the token, in its organization. */
export async function auditScim(deps: Pick<ScimDeps, 'audit'>, req: ScimRequest, action: string, target: { type: string; id: string },
  metadata: Record<string, unknown> = {}): Promise<void> {
  await deps.audit.record({ organizationId: req.organizationId, action, caller: req.caller, target, metadata: { ...metadata, via: 'scim' } });
}
