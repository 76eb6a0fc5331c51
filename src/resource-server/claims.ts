import type { JWTPayload } from 'jose';
import type { Principal } from '../domain/principal.js';
import { isPermission } from '../domain/permissions.js';
import { withConsume } from './metering.js';

/**
 * The principal an RFC 9068 access token stands for: a client acting for itself when `sub` is
 * its own `client_id` (client_credentials), else a user. Permissions are the `scope` values that
 * are `resource:action` permissions (OIDC scopes such as `openid` are not permissions). JWTs have
 * no environment (`null`): environment checks constrain API keys only. Null when a required claim
 * is missing or mistyped.
 */
export function principalFromClaims(payload: JWTPayload): Principal | null {
  const { sub } = payload;
  const clientId = payload.client_id;
  const scope = payload.scope ?? '';
  const org = payload.org ?? null;
  if (typeof sub !== 'string' || !sub || typeof clientId !== 'string' || !clientId) return null;
  if (typeof scope !== 'string' || (org !== null && typeof org !== 'string')) return null;
  // frozen: verifiers cache and share principals between requests
  return Object.freeze(withConsume<Principal>({
    type: sub === clientId ? 'client' : 'user',
    subject: sub,
    organization: org,
    environment: null,
    permissions: Object.freeze(scope.split(' ').filter(isPermission)) as string[],
    client_id: clientId,
  }));
}
