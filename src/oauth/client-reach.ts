import type { PermissionService } from '../identity/permissions.js';
import { DEVICE_CODE_GRANT } from './client-validation.js';

/** Permissions of the organization the client rules need: the vocabulary, and what its members hold. */
export type ClientPermissions = Pick<PermissionService, 'outsideVocabulary' | 'heldByMembers'>;

/** The grants through which an app acts for a person who signs in (and so holds what they consent to). */
const SIGN_IN_GRANTS: readonly string[] = ['authorization_code', DEVICE_CODE_GRANT];

/**
 * Every permission a client can obtain in its owner organization: its own (client_credentials)
 * and, for an app that signs people in (authorization code or device flow), whatever the owner
 * organization's enabled members hold, since any of them could consent to any of it. Whoever
 * controls the client controls all of that, so only a caller holding it all may change,
 * re-key or delete the client.
 *
 * A multi-organization app is weighed by the same rule in its owner organization only: the
 * organizations its members connect it to trust the owner (the consent page names it), as they
 * trust any third-party developer with the tokens they hand over.
 */
export async function reachOf(permissions: Pick<ClientPermissions, 'heldByMembers'>, ownerOrganizationId: string,
  client: { permissions: string[]; grantTypes: string[] }): Promise<string[]> {
  if (!client.grantTypes.some((g) => SIGN_IN_GRANTS.includes(g))) return client.permissions;
  return [...new Set([...client.permissions, ...(await permissions.heldByMembers(ownerOrganizationId))])];
}
