import { MANAGEMENT_PERMISSIONS, permissionsOfRoles } from '../domain/permissions.js';
import type { Store } from '../store/ports.js';
import { collectAll } from './paging.js';

/** What users may do in an organization, and which permissions an organization knows. */
export interface PermissionService {
  /**
   * The union of the permissions of the user's roles in the organization (built-in roles from
   * `domain/permissions.ts`, custom roles from the store); null when the user is not a member.
   */
  permissionsIn(organizationId: string, userId: string): Promise<string[] | null>;
  /**
   * The organization's vocabulary: the management permissions plus every permission of its
   * registered resources. `null` (server scope) knows the management permissions only.
   */
  vocabulary(organizationId: string | null): Promise<string[]>;
  /**
   * The permissions of `wanted` outside the vocabulary; `noun:*` counts as inside when the
   * vocabulary has any action of `noun`.
   */
  outsideVocabulary(organizationId: string | null, wanted: readonly string[]): Promise<string[]>;
}

/** The permission service `identity.permissions`. */
export function createPermissionService(store: Store): PermissionService {
  const vocabulary = async (organizationId: string | null): Promise<string[]> => {
    const out = new Set(MANAGEMENT_PERMISSIONS);
    if (organizationId !== null) {
      const resources = await collectAll((page) => store.resources.list(organizationId, page));
      for (const r of resources) for (const p of r.permissions) out.add(p);
    }
    return [...out];
  };

  return {
    async permissionsIn(organizationId, userId) {
      const membership = await store.memberships.find(organizationId, userId);
      if (!membership) return null;
      const custom = new Map<string, readonly string[]>();
      for (const name of membership.roles) {
        if (name === 'admin' || name === 'member') continue;
        // a role deleted behind the membership's back simply grants nothing
        const role = await store.roles.findByName(organizationId, name);
        if (role) custom.set(name, role.permissions);
      }
      return permissionsOfRoles(membership.roles, custom);
    },
    vocabulary,
    async outsideVocabulary(organizationId, wanted) {
      if (wanted.length === 0) return [];
      const known = new Set(await vocabulary(organizationId));
      const nouns = new Set([...known].map((p) => p.slice(0, p.indexOf(':'))));
      return wanted.filter((p) => {
        if (known.has(p)) return false;
        const [noun, action] = p.split(':');
        return !(action === '*' && nouns.has(noun));
      });
    },
  };
}
