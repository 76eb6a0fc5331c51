import { BUILT_IN_ROLES, MANAGEMENT_PERMISSIONS, permissionsOfRoles } from '../domain/permissions.js';
import type { Store } from '../store/ports.js';
import { collectAll } from './paging.js';

/** What users may do in an organization, and which permissions an organization knows. */
export interface PermissionService {
  /**
   * The union of the permissions of the user's roles in the organization (built-in roles from
   * `domain/permissions.ts`, custom roles from the store); null when the user is not a member, or
   * a disabled one (who may not sign in to the organization's apps).
   */
  permissionsIn(organizationId: string, userId: string): Promise<string[] | null>;
  /** The union of the permissions of these roles of the organization; unknown names grant nothing. */
  permissionsOfRoles(organizationId: string, roles: readonly string[]): Promise<string[]>;
  /**
   * Every permission some enabled member of the organization holds: what the people who sign in
   * to its apps could grant one of them.
   */
  heldByMembers(organizationId: string): Promise<string[]>;
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

  const ofRoles = async (organizationId: string, roles: readonly string[]): Promise<string[]> => {
    const custom = new Map<string, readonly string[]>();
    for (const name of roles) {
      if (Object.hasOwn(BUILT_IN_ROLES, name)) continue;
      // a role deleted behind the membership's back simply grants nothing
      const role = await store.roles.findByName(organizationId, name);
      if (role) custom.set(name, role.permissions);
    }
    return permissionsOfRoles(roles, custom);
  };

  return {
    async permissionsIn(organizationId, userId) {
      const membership = await store.memberships.find(organizationId, userId);
      if (!membership || membership.disabled) return null;
      return ofRoles(organizationId, membership.roles);
    },
    permissionsOfRoles: ofRoles,
    async heldByMembers(organizationId) {
      const members = await collectAll((page) => store.memberships.listByOrganization(organizationId, page));
      const roles = new Set(members.filter((m) => !m.disabled).flatMap((m) => m.roles));
      return ofRoles(organizationId, [...roles]);
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
