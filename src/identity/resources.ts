import type { Config } from '../config/schema.js';
import { newId } from '../domain/ids.js';
import { MANAGEMENT_PERMISSIONS } from '../domain/permissions.js';
import { problems } from '../http/problem.js';
import { UniqueViolation, type Page, type PageRequest, type Resource, type Store } from '../store/ports.js';
import type { Caller } from '../audit/actor.js';
import { assertHolds, assertInScope, assertReachesEnvironment, loadControlled } from './authority.js';
import { pageRequest } from './paging.js';
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
  /** null for the built-in management API */
  organizationId: string | null;
  permissions: string[];
}

/**
 * APIs registered with Gatehouse (RFC 8707 resources) and the built-in management API. A
 * resource defines permissions; like anything holding permissions, it can be changed or deleted
 * only by a caller holding all of them (taking one away weakens its holders), and declaring a
 * permission the organization already knows acts on its holders too (403 `permission_escalation`).
 */
export interface Resources {
  /** @throws HttpProblem 400 (bad or reserved identifier, bad permissions), 403, 404 organization, 409 `resource_exists` */
  create(caller: Caller, organizationId: string, input: CreateResourceInput): Promise<Resource>;
  /** @throws HttpProblem 404 */
  get(organizationId: string, id: string): Promise<Resource>;
  list(organizationId: string, page?: Partial<PageRequest>): Promise<Page<Resource>>;
  /** @throws HttpProblem 400, 403, 404 */
  update(caller: Caller, organizationId: string, id: string, patch: { name?: string; permissions?: string[] }): Promise<Resource>;
  /** @throws HttpProblem 403, 404 */
  delete(caller: Caller, organizationId: string, id: string): Promise<void>;
  /** `<issuer>/v1` is the management API; otherwise a registered resource; null when unknown */
  resolve(identifier: string): Promise<ResolvedResource | null>;
  /** `<issuer>/v1` */
  readonly managementIdentifier: string;
}

/** Resource permissions may not reuse a management noun: `users:read` must mean one thing. */
const RESERVED_NOUNS = new Set(MANAGEMENT_PERMISSIONS.map((p) => p.slice(0, p.indexOf(':'))));

function permissionIssues(permissions: unknown) {
  const issues = permissionListProblems('permissions', permissions);
  if (issues.length) return issues;
  return (permissions as string[])
    .filter((p) => RESERVED_NOUNS.has(p.slice(0, p.indexOf(':'))))
    .map((p) => ({ field: 'permissions', message: `"${p}" uses a noun reserved for the management API` }));
}

const exists = (identifier: string) => problems.conflict('resource_exists', `A resource with identifier "${identifier}" already exists.`);

/** The resource service `identity.resources`; `config.issuer` fixes the management identifier. */
export function createResources(store: Store, config: Config, permissions: Pick<PermissionService, 'vocabulary'>): Resources {
  const managementIdentifier = `${config.issuer}/v1`;
  const isManagement = (identifier: string) => identifier.replace(/\/+$/, '') === managementIdentifier;

  const get = async (organizationId: string, id: string) => {
    const resource = await store.resources.findById(organizationId, id);
    if (!resource) throw problems.notFound('resource');
    return resource;
  };
  const controlled = (caller: Caller, organizationId: string, id: string, doing: string) =>
    loadControlled(caller, organizationId, () => get(organizationId, id), (resource) => resource.permissions, doing);
  /**
   * Declaring a permission the organization already knows (from another API) acts on its
   * holders: it needs the caller to hold it. New permission names are free: nobody holds them yet.
   */
  const assertMayDeclare = async (caller: Caller, organizationId: string, before: readonly string[], after: readonly string[]) => {
    const known = new Set(await permissions.vocabulary(organizationId));
    assertHolds(caller, after.filter((p) => known.has(p) && !before.includes(p)), 'You cannot declare again');
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
      if (!(await store.organizations.findById(organizationId))) throw problems.notFound('organization');
      if (await store.resources.findByIdentifier(identifier)) throw exists(identifier);
      await assertMayDeclare(caller, organizationId, [], unique(declared));
      const now = new Date();
      const resource: Resource = {
        id: newId('res'), organizationId, identifier, name: name?.trim() ?? identifier,
        permissions: unique(declared), createdAt: now, updatedAt: now,
      };
      try {
        await store.resources.create(resource);
      } catch (err) {
        if (err instanceof UniqueViolation) throw exists(identifier);
        throw err;
      }
      return resource;
    },
    get,
    list: (organizationId, page) => store.resources.list(organizationId, pageRequest(page)),
    async update(caller, organizationId, id, patch) {
      new Checks()
        .add('name', patch.name === undefined ? null : displayNameProblem(patch.name))
        .addAll(patch.permissions === undefined ? [] : permissionIssues(patch.permissions))
        .done();
      const current = await controlled(caller, organizationId, id, 'You cannot change an API that defines');
      if (patch.permissions !== undefined) await assertMayDeclare(caller, organizationId, current.permissions, unique(patch.permissions));
      const clean: Partial<Pick<Resource, 'name' | 'permissions' | 'updatedAt'>> = { updatedAt: new Date() };
      if (patch.name !== undefined) clean.name = patch.name.trim();
      if (patch.permissions !== undefined) clean.permissions = unique(patch.permissions);
      const resource = await store.resources.update(organizationId, id, clean);
      if (!resource) throw problems.notFound('resource');
      return resource;
    },
    async delete(caller, organizationId, id) {
      await controlled(caller, organizationId, id, 'You cannot delete an API that defines');
      if (!(await store.resources.delete(organizationId, id))) throw problems.notFound('resource');
    },
    async resolve(identifier) {
      if (typeof identifier !== 'string' || !identifier) return null;
      if (isManagement(identifier)) return { identifier: managementIdentifier, organizationId: null, permissions: [...MANAGEMENT_PERMISSIONS] };
      const resource = await store.resources.findByIdentifier(identifier);
      return resource ? { identifier: resource.identifier, organizationId: resource.organizationId, permissions: resource.permissions } : null;
    },
  };
}
