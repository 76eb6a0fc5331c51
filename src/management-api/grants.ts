import { BUILT_IN_ROLES, permissionsOfRoles } from '../domain/permissions.js';
import type { Caller } from '../audit/actor.js';
import { assertGrantable } from '../api-keys/rules.js';
import type { Roles } from '../identity/roles.js';

/**
 * Refuses role assignments that would hand out permissions the caller lacks (a `users:write`
 * key may not make its own user an admin). Unknown role names are left to the identity service's
 * 400.
 */
export async function assertRolesGrantable(caller: Caller, roles: Pick<Roles, 'get'>, organizationId: string, names: readonly string[]) {
  const custom = new Map<string, readonly string[]>();
  for (const name of names) {
    if (Object.hasOwn(BUILT_IN_ROLES, name)) continue;
    const role = await roles.get(organizationId, name).catch(() => null);
    if (role) custom.set(name, role.permissions);
  }
  assertGrantable(caller, permissionsOfRoles(names.filter((n) => Object.hasOwn(BUILT_IN_ROLES, n) || custom.has(n)), custom));
}
