import type { Caller } from '../audit/actor.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { Config } from '../config/schema.js';
import { MANAGEMENT_PERMISSIONS } from '../domain/permissions.js';
import { composeVocabulary, outsideOf, withWildcards, type Vocabulary } from '../domain/vocabulary.js';
import type { RemovedPermissions, Resource, Store } from '../store/ports.js';
import { collectAll } from './paging.js';
import type { PermissionService, ResourceChange } from './permissions.js';

/** Why permissions were taken away, for the audit log. */
export type RemovalReason = 'resource_changed' | 'resource_deleted' | 'plan_changed' | 'stale_before_declaring' | 'plan_configuration'
  | 'granted_during_a_change';

/**
 * Keeps every holder of permissions (custom roles, API keys, OAuth clients, SCIM tokens) inside its
 * organization's vocabulary when the vocabulary shrinks: a resource deleted or narrowed, a plan
 * changed. What left the vocabulary is taken away from every holder in one store transaction
 * (`store.permissionHolders.remove`), so a resource registered again with the same names
 * revives nothing. Before names are declared, holders still carrying them from before (a race
 * lost against a removal, data from older versions) lose them too: a new name starts with no
 * holder. Each removal that changed something is audited (`permissions.removed`); changed API
 * keys are reported to `onApiKeysChanged` listeners (the resource server's cache).
 */
export interface PermissionRemoval {
  /**
   * Runs `write`, the change of a resource of `organizationId` (null: a platform resource) from
   * its permissions to `after` (empty for a deletion), with what leaves the vocabulary taken
   * away before it (so no holder keeps it should the process die mid-way) and again after it
   * (a grant that raced the change). @returns what `write` returned
   */
  resourceChange<T>(caller: Caller, organizationId: string | null, resource: Pick<Resource, 'id' | 'permissions'>,
    after: readonly string[], write: () => Promise<T>): Promise<T>;
  /** Before `declared` become part of the vocabulary of `organizationId` (null: every organization's). */
  beforeDeclaring(caller: Caller, organizationId: string | null, declared: readonly string[]): Promise<RemovedPermissions>;
  /** After the organization's plan changed: what its plan withholds now. */
  afterPlanChange(caller: Caller, organizationId: string): Promise<RemovedPermissions>;
  /** Every organization: what its plan's configuration withholds (run at start-up, after a configuration change). */
  reconcilePlans(caller: Caller): Promise<RemovedPermissions>;
  /**
   * After `granted` were written to a role, key or client of `organizationId`, having been
   * checked against its vocabulary before: any that left it meanwhile (a resource or plan change
   * whose removals ran between the check and the write) is taken away again, from every holder in
   * the organization. Nothing for the server scope. @returns the permissions taken (usually none)
   */
  afterGranting(caller: Caller, organizationId: string | null, granted: readonly string[]): Promise<string[]>;
  onApiKeysChanged(listener: (keyIds: readonly string[]) => void): void;
}

/** The platform resources' permissions, out of the server scope's vocabulary. */
const platformOf = (server: Vocabulary) => server.permissions.filter((p) => !MANAGEMENT_PERMISSIONS.includes(p));

const NOTHING: RemovedPermissions = { roles: 0, apiKeyIds: [], clients: 0, scimTokens: 0 };
const add = (a: RemovedPermissions, b: RemovedPermissions): RemovedPermissions => ({
  roles: a.roles + b.roles, apiKeyIds: [...a.apiKeyIds, ...b.apiKeyIds], clients: a.clients + b.clients, scimTokens: a.scimTokens + b.scimTokens,
});

export interface PermissionRemovalDeps {
  store: Store;
  config: Pick<Config, 'plans' | 'defaultPlan'>;
  permissions: Pick<PermissionService, 'vocabularyOf'>;
  audit: AuditLog;
}

/** The permission-removal service `identity.permissionRemoval`. */
export function createPermissionRemoval({ store, config, permissions, audit }: PermissionRemovalDeps): PermissionRemoval {
  const listeners: Array<(keyIds: readonly string[]) => void> = [];

  const remove = async (caller: Caller, organizationIds: readonly string[] | null, names: readonly string[], reason: RemovalReason) => {
    if (!names.length || organizationIds?.length === 0) return NOTHING;
    const removed = await store.permissionHolders.remove(organizationIds, names, new Date());
    if (removed.apiKeyIds.length) for (const listener of listeners) listener(removed.apiKeyIds);
    if (removed.roles || removed.clients || removed.apiKeyIds.length || removed.scimTokens) {
      await audit.record({
        organizationId: organizationIds?.length === 1 ? organizationIds[0] : null, action: 'permissions.removed', caller,
        // `scim_credentials`: a key naming a token would be scrubbed as a secret by the audit log
        metadata: { reason, permissions: names, roles: removed.roles, api_keys: removed.apiKeyIds.length, clients: removed.clients,
          scim_credentials: removed.scimTokens },
      });
    }
    return removed;
  };

  /** The organizations on each plan (an unknown plan counts as the default one). */
  const organizationsByPlan = async () => {
    const byPlan = new Map<string, string[]>();
    for (const org of await collectAll((page) => store.organizations.list(page))) {
      const plan = Object.hasOwn(config.plans, org.plan) ? org.plan : config.defaultPlan;
      byPlan.set(plan, [...(byPlan.get(plan) ?? []), org.id]);
    }
    return byPlan;
  };

  /**
   * Platform permissions out of `candidates` that left the vocabulary: out of the server
   * scope's, everywhere at once; out of a plan's only, from its organizations.
   */
  const removeFromPlatform = async (caller: Caller, candidates: readonly string[], reason: RemovalReason, change?: ResourceChange) => {
    const server = await permissions.vocabularyOf(null, change);
    const everywhere = outsideOf(server, candidates);
    let removed = await remove(caller, null, everywhere, reason);
    const restricting = Object.entries(config.plans).filter(([, plan]) => plan.platformPermissions);
    if (!restricting.length) return removed;
    const platform = platformOf(server);
    const byPlan = await organizationsByPlan();
    for (const [name, plan] of restricting) {
      const outside = outsideOf(composeVocabulary({ platform, own: [], planAllows: plan.platformPermissions }), candidates);
      removed = add(removed, await remove(caller, byPlan.get(name) ?? [], outside.filter((p) => !everywhere.includes(p)), reason));
    }
    return removed;
  };

  const removeFromOrganization = async (caller: Caller, organizationId: string, candidates: readonly string[], reason: RemovalReason,
    change?: ResourceChange) => remove(caller, [organizationId], outsideOf(await permissions.vocabularyOf(organizationId, change), candidates), reason);

  return {
    async resourceChange(caller, organizationId, resource, after, write) {
      const candidates = withWildcards([...resource.permissions, ...after]);
      const reason = after.length ? 'resource_changed' : 'resource_deleted';
      const sweep = (change?: ResourceChange) => (organizationId === null
        ? removeFromPlatform(caller, candidates, reason, change)
        : removeFromOrganization(caller, organizationId, candidates, reason, change));
      await sweep({ resourceId: resource.id, permissions: after });
      const result = await write();
      await sweep();
      return result;
    },
    async beforeDeclaring(caller, organizationId, declared) {
      const stale = outsideOf(await permissions.vocabularyOf(organizationId), withWildcards(declared));
      return remove(caller, organizationId === null ? null : [organizationId], stale, 'stale_before_declaring');
    },
    async afterPlanChange(caller, organizationId) {
      const platform = platformOf(await permissions.vocabularyOf(null));
      return removeFromOrganization(caller, organizationId, withWildcards(platform), 'plan_changed');
    },
    async reconcilePlans(caller) {
      const platform = platformOf(await permissions.vocabularyOf(null));
      return removeFromPlatform(caller, withWildcards(platform), 'plan_configuration');
    },
    async afterGranting(caller, organizationId, granted) {
      if (organizationId === null || !granted.length) return [];
      const outside = outsideOf(await permissions.vocabularyOf(organizationId), granted);
      await remove(caller, [organizationId], outside, 'granted_during_a_change');
      return outside;
    },
    onApiKeysChanged(listener) {
      listeners.push(listener);
    },
  };
}
