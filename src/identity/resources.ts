import type { Config } from '../config/schema.js';
import { newId } from '../domain/ids.js';
import { MANAGEMENT_PERMISSIONS } from '../domain/permissions.js';
import { problems } from '../http/problem.js';
import { UniqueViolation, type Page, type PageRequest, type Resource, type Store } from '../store/ports.js';
import type { Caller } from '../audit/actor.js';
import { assertHolds, assertInScope, assertReachesEnvironment, loadControlled } from './authority.js';
import { reservedNounIssues, writeWithFreeNouns } from './noun-ownership.js';
import { pageRequest } from './paging.js';
import type { PermissionRemoval } from './permission-removal.js';
import type { PermissionService } from './permissions.js';
import { Checks, displayNameProblem, identifierProblem, permissionListProblems, unique } from './validation.js';

export interface CreateResourceInput {
  /** absolute URI, the token audience */
  identifier: string;
  /** defaults to the identifier */
  name?: string;
  permissions: string[];
}

/** What a resource indicator stands for. */
export interface ResolvedResource {
  identifier: string;
  /**
   * `management`: the management API, whose tokens carry what their holder may delegate
   * through it (the organization's whole vocabulary, not only the management permissions);
   * `platform`: the operator's API, in every organization's vocabulary; `organization`: an
   * organization's own API
   */
  kind: 'management' | 'platform' | 'organization';
  /** the owning organization; null for the management API and platform resources */
  organizationId: string | null;
  permissions: string[];
}

/**
 * APIs registered with Gatehouse (RFC 8707 resources) and the built-in management API. A
 * resource belongs to an organization, or to the platform (`organizationId` null: created by
 * the operator or a server-scoped credential, in every organization's vocabulary). It defines
 * permissions; like anything holding permissions, it can be changed or deleted only by a caller
 * holding all of them (taking one away weakens its holders), and declaring a permission the
 * scope already knows acts on its holders too (403 `permission_escalation`). Whatever a change
 * takes out of the vocabulary is taken from every role, key and client holding it
 * (`permission-removal.ts`); who may use which noun is `noun-ownership.ts`.
 */
export interface Resources {
  /** @throws HttpProblem 400 (bad or reserved identifier, bad permissions), 403, 404 organization, 409 `resource_exists` or `permission_conflict` */
  create(caller: Caller, organizationId: string | null, input: CreateResourceInput): Promise<Resource>;
  /** @throws HttpProblem 404 */
  get(organizationId: string | null, id: string): Promise<Resource>;
  list(organizationId: string | null, page?: Partial<PageRequest>): Promise<Page<Resource>>;
  /** @throws HttpProblem 400, 403, 404, 409 `permission_conflict` */
  update(caller: Caller, organizationId: string | null, id: string, patch: { name?: string; permissions?: string[] }): Promise<Resource>;
  /** @throws HttpProblem 403, 404 */
  delete(caller: Caller, organizationId: string | null, id: string): Promise<void>;
  /** `<issuer>/v1` is the management API; otherwise a registered resource; null when unknown */
  resolve(identifier: string): Promise<ResolvedResource | null>;
  /** `<issuer>/v1` */
  readonly managementIdentifier: string;
}

function permissionIssues(permissions: unknown) {
  const issues = permissionListProblems('permissions', permissions);
  return issues.length ? issues : reservedNounIssues(permissions as string[]);
}

const exists = (identifier: string) => problems.conflict('resource_exists', `A resource with identifier "${identifier}" already exists.`);

export interface ResourcesDeps {
  store: Store;
  config: Pick<Config, 'issuer'>;
  permissions: Pick<PermissionService, 'vocabulary'>;
  removal: Pick<PermissionRemoval, 'resourceChange' | 'beforeDeclaring'>;
}

/** The resource service `identity.resources`; `config.issuer` fixes the management identifier. */
export function createResources({ store, config, permissions, removal }: ResourcesDeps): Resources {
  const managementIdentifier = `${config.issuer}/v1`;
  const isManagement = (identifier: string) => identifier.replace(/\/+$/, '') === managementIdentifier;

  const get = async (organizationId: string | null, id: string) => {
    const resource = typeof id === 'string' ? await store.resources.findById(organizationId, id) : null;
    if (!resource) throw problems.notFound('resource');
    return resource;
  };
  const controlled = (caller: Caller, organizationId: string | null, id: string, doing: string) =>
    loadControlled(caller, organizationId, () => get(organizationId, id), (resource) => resource.permissions, doing);
  /**
   * Declaring a permission the scope already knows (from another API) acts on its holders: it
   * needs the caller to hold it. New names are free: nobody holds them (any stale holder loses
   * them first). @returns the permissions new to the scope
   */
  const prepareDeclaring = async (caller: Caller, organizationId: string | null, before: readonly string[], after: readonly string[]) => {
    const known = new Set(await permissions.vocabulary(organizationId));
    const added = after.filter((p) => !before.includes(p));
    assertHolds(caller, added.filter((p) => known.has(p)), 'You cannot declare again');
    const fresh = added.filter((p) => !known.has(p));
    await removal.beforeDeclaring(caller, organizationId, fresh);
  };

  return {
    managementIdentifier,
    async create(caller, organizationId, { identifier, name, permissions: declared }) {
      assertInScope(caller, organizationId);
      assertReachesEnvironment(caller);
      new Checks()
        .add('identifier', identifierProblem(identifier))
        .add('identifier', typeof identifier === 'string' && isManagement(identifier) ? 'is reserved for the management API' : null)
        .add('name', name === undefined ? null : displayNameProblem(name))
        .addAll(permissionIssues(declared))
        .done();
      if (organizationId !== null && !(await store.organizations.findById(organizationId))) throw problems.notFound('organization');
      if (await store.resources.findByIdentifier(identifier)) throw exists(identifier);
      const now = new Date();
      const resource: Resource = {
        id: newId('res'), organizationId, identifier, name: name?.trim() ?? identifier,
        permissions: unique(declared), createdAt: now, updatedAt: now,
      };
      return writeWithFreeNouns(store, organizationId, resource.permissions, async () => {
        await prepareDeclaring(caller, organizationId, [], resource.permissions);
        try {
          await store.resources.create(resource);
        } catch (err) {
          if (err instanceof UniqueViolation) throw exists(identifier);
          throw err;
        }
        return resource;
      }, () => store.resources.delete(organizationId, resource.id));
    },
    get,
    list: (organizationId, page) => store.resources.list(organizationId, pageRequest(page)),
    async update(caller, organizationId, id, patch) {
      new Checks()
        .add('name', patch.name === undefined ? null : displayNameProblem(patch.name))
        .addAll(patch.permissions === undefined ? [] : permissionIssues(patch.permissions))
        .done();
      const current = await controlled(caller, organizationId, id, 'You cannot change an API that defines');
      const clean: Partial<Pick<Resource, 'name' | 'permissions' | 'updatedAt'>> = { updatedAt: new Date() };
      if (patch.name !== undefined) clean.name = patch.name.trim();
      if (patch.permissions === undefined) {
        const renamed = await store.resources.update(organizationId, id, clean);
        if (!renamed) throw problems.notFound('resource');
        return renamed;
      }
      const after = unique(patch.permissions);
      clean.permissions = after;
      return writeWithFreeNouns(store, organizationId, after, async () => {
        await prepareDeclaring(caller, organizationId, current.permissions, after);
        const updated = await removal.resourceChange(caller, organizationId, current, after, () => store.resources.update(organizationId, id, clean));
        if (!updated) throw problems.notFound('resource');
        return updated;
      }, () => store.resources.update(organizationId, id, { permissions: current.permissions, updatedAt: new Date() }));
    },
    async delete(caller, organizationId, id) {
      const current = await controlled(caller, organizationId, id, 'You cannot delete an API that defines');
      const deleted = await removal.resourceChange(caller, organizationId, current, [], () => store.resources.delete(organizationId, id));
      if (!deleted) throw problems.notFound('resource');
    },
    async resolve(identifier) {
      if (typeof identifier !== 'string' || !identifier) return null;
      if (isManagement(identifier)) return { identifier: managementIdentifier, kind: 'management', organizationId: null, permissions: [...MANAGEMENT_PERMISSIONS] };
      const resource = await store.resources.findByIdentifier(identifier);
      if (!resource) return null;
      return {
        identifier: resource.identifier, kind: resource.organizationId === null ? 'platform' : 'organization',
        organizationId: resource.organizationId, permissions: resource.permissions,
      };
    },
  };
}
