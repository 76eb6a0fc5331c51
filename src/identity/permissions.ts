import type { Config } from '../config/schema.js';
import { BUILT_IN_ROLES, permissionsOfRoles } from '../domain/permissions.js';
import { composeVocabulary, outsideOf, type Vocabulary } from '../domain/vocabulary.js';
import type { Store } from '../store/ports.js';
import { collectAll } from './paging.js';

/** What users may do in an organization, and which permissions an organization knows. */
export interface PermissionService {
  /**
   * The union of the permissions of the user's roles in the organization (built-in roles over
   * its vocabulary, custom roles from the store); null when the user is not a member, or a
   * disabled one (who may not sign in to the organization's apps).
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
   * The organization's vocabulary (SPEC §2a): the management permissions, the platform
   * resources' permissions its plan allows, and its own resources' (`withheld`: the platform
   * permissions its plan does not allow). `null`, the server scope: the management and every
   * platform permission. Read from the store at every call: a change to a resource or a plan
   * applies to the next request.
   */
  vocabularyOf(organizationId: string | null, change?: ResourceChange): Promise<Vocabulary>;
  /** `vocabularyOf(…).permissions` */
  vocabulary(organizationId: string | null): Promise<string[]>;
  /**
   * The permissions of `wanted` outside the vocabulary; `noun:*` counts as inside when the
   * vocabulary has an action of `noun` and the plan withholds none.
   */
  outsideVocabulary(organizationId: string | null, wanted: readonly string[]): Promise<string[]>;
}

/** A resource's permissions as they are about to be (none: deleted), to see a vocabulary before the change is written. */
export interface ResourceChange {
  resourceId: string;
  permissions: readonly string[];
}

/** The platform permissions a plan allows (undefined: all); an unknown plan is the default plan. */
export function planAllows(config: Pick<Config, 'plans' | 'defaultPlan'>, plan: string): readonly string[] | undefined {
  return config.plans[Object.hasOwn(config.plans, plan) ? plan : config.defaultPlan]?.platformPermissions;
}

/** The permission service `identity.permissions`. */
export function createPermissionService(store: Store, config: Pick<Config, 'plans' | 'defaultPlan'>): PermissionService {
  const declared = async (organizationId: string | null, change?: ResourceChange) =>
    (await collectAll((page) => store.resources.list(organizationId, page)))
      .flatMap((r) => (r.id === change?.resourceId ? change.permissions : r.permissions));

  const vocabularyOf = async (organizationId: string | null, change?: ResourceChange): Promise<Vocabulary> => {
    const platform = await declared(null, change);
    if (organizationId === null) return composeVocabulary({ platform, own: [] });
    const [own, org] = await Promise.all([declared(organizationId, change), store.organizations.findById(organizationId)]);
    return composeVocabulary({ platform, own, planAllows: org ? planAllows(config, org.plan) : [] });
  };

  const ofRoles = async (organizationId: string, roles: readonly string[]): Promise<string[]> => {
    const custom = new Map<string, readonly string[]>();
    for (const name of roles) {
      if (Object.hasOwn(BUILT_IN_ROLES, name)) continue;
      // a role deleted behind the membership's back simply grants nothing
      const role = await store.roles.findByName(organizationId, name);
      if (role) custom.set(name, role.permissions);
    }
    const builtIn = roles.some((name) => Object.hasOwn(BUILT_IN_ROLES, name));
    return permissionsOfRoles(roles, custom, builtIn ? (await vocabularyOf(organizationId)).permissions : []);
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
    vocabularyOf,
    vocabulary: async (organizationId) => [...(await vocabularyOf(organizationId)).permissions],
    async outsideVocabulary(organizationId, wanted) {
      if (wanted.length === 0) return [];
      return outsideOf(await vocabularyOf(organizationId), wanted);
    },
  };
}
