import type { Middleware } from 'koa';
import type { Logger } from 'pino';
import type { AuditLog } from '../audit/audit-log.js';
import type { Config } from '../config/schema.js';
import type { Secrets } from '../domain/secrets.js';
import type { Identity } from '../identity/index.js';
import type { Store } from '../store/ports.js';
import { ScimAuthority } from './authority.js';
import type { ScimDeps } from './context.js';
import { ScimGroups } from './groups/service.js';
import { scimRouter } from './http/router.js';
import { SeatRoles } from './seat-roles.js';
import { createScimTokens, type ScimTokens } from './tokens/service.js';
import { Seats } from './users/seats.js';
import { ScimUsers } from './users/service.js';

/** SCIM provisioning: the tokens (for the management API) and the `/scim/v2` service provider. */
export interface Scim {
  tokens: ScimTokens;
  users: ScimUsers;
  groups: ScimGroups;
  /** serves `/scim/v2/…`; other paths pass through */
  middleware: Middleware;
}

/**
 * Builds SCIM over the identity services and hooks it to them: an invited person who accepts
 * joins with what their identity provider gave them meanwhile; a member who leaves takes their
 * SCIM record with them; the SCIM tokens a departing member created are revoked with their keys.
 */
export function createScim(deps: {
  store: Store; identity: Identity; audit: AuditLog; secrets: Secrets; config: Pick<Config, 'issuer' | 'bodyLimitBytes'>; logger: Logger;
}): Scim {
  const { store, identity } = deps;
  const base = `${deps.config.issuer}/scim/v2`;
  const authority = new ScimAuthority(identity);
  const seats = new Seats(store);
  const shared: ScimDeps = { store, identity, audit: deps.audit, seats, authority, seatRoles: new SeatRoles({ store, identity, authority }), base };
  const tokens = createScimTokens({ store, secrets: deps.secrets, permissions: identity.permissions, removal: identity.permissionRemoval, audit: deps.audit });
  const users = new ScimUsers(shared);
  const groups = new ScimGroups(shared);

  identity.invitations.onAccepted(async ({ organizationId, userId, invitation }) => {
    const record = await store.scimUsers.findByInvitation(organizationId, invitation.id);
    if (record && !record.userId) await seats.join(record, userId);
  });
  identity.members.onDeparture(async ({ caller, organizationId, userId, reason }) => {
    if (reason === 'removed') {
      const record = await store.scimUsers.findByUserId(organizationId, userId);
      if (record) await store.scimUsers.delete(organizationId, record.id);
    }
    await tokens.revokeCreatedBy(caller, organizationId, userId, reason === 'removed' ? 'creator_removed' : 'creator_disabled');
  });

  return {
    tokens, users, groups,
    middleware: scimRouter({ tokens, users, groups, base, bodyLimitBytes: deps.config.bodyLimitBytes, logger: deps.logger }),
  };
}
