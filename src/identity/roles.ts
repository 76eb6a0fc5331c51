import { newId } from '../domain/ids.js';
import { BUILT_IN_ROLES } from '../domain/permissions.js';
import { problems } from '../http/problem.js';
import { UniqueViolation, type Page, type PageRequest, type Role, type Store } from '../store/ports.js';
import { collectAll, pageRequest } from './paging.js';
import type { Caller } from '../audit/actor.js';
import { assertHolds, assertInScope, assertReachesEnvironment, loadControlled } from './authority.js';
import type { PermissionService } from './permissions.js';
import { Checks, displayNameProblem, permissionListProblems, roleNameProblem, unique } from './validation.js';

export interface CreateRoleInput {
  name: string;
  description?: string | null;
  permissions: string[];
}

/**
 * Custom roles: named permission sets per organization, beside the built-in `admin` and `member`.
 * A role still held by a member cannot be deleted (409 `role_in_use`): take it away first, so no
 * membership ever names a role that does not exist. The caller must hold every permission a role
 * gets, and every permission of a role it changes or deletes (403 `permission_escalation`).
 */
export interface Roles {
  /** @throws HttpProblem 400 (bad or built-in name, permission outside the vocabulary), 403, 404 organization, 409 `role_exists` */
  create(caller: Caller, organizationId: string, input: CreateRoleInput): Promise<Role>;
  /** by id or by name. @throws HttpProblem 404 */
  get(organizationId: string, idOrName: string): Promise<Role>;
  list(organizationId: string, page?: Partial<PageRequest>): Promise<Page<Role>>;
  /** @throws HttpProblem 400, 403, 404 */
  update(caller: Caller, organizationId: string, idOrName: string, patch: { description?: string | null; permissions?: string[] }): Promise<Role>;
  /** @throws HttpProblem 403, 404, 409 `role_in_use` */
  delete(caller: Caller, organizationId: string, idOrName: string): Promise<void>;
  /**
   * Checks role names for a membership: built-in or custom roles of the organization.
   * @returns the names without duplicates. @throws HttpProblem 400 naming the unknown ones
   */
  checkAssignable(organizationId: string, names: unknown, field?: string): Promise<string[]>;
}

/** The custom-role service `identity.roles`. */
export function createRoles(store: Store, permissions: PermissionService): Roles {
  const find = async (organizationId: string, idOrName: string) => {
    if (typeof idOrName !== 'string' || !idOrName) return null;
    return (await store.roles.findById(organizationId, idOrName)) ?? store.roles.findByName(organizationId, idOrName);
  };
  const get = async (organizationId: string, idOrName: string) => {
    const role = await find(organizationId, idOrName);
    if (!role) throw problems.notFound('role');
    return role;
  };
  const checkPermissions = async (organizationId: string, wanted: unknown) => {
    new Checks().addAll(permissionListProblems('permissions', wanted)).done();
    const outside = await permissions.outsideVocabulary(organizationId, wanted as string[]);
    if (outside.length)
      throw problems.validation(outside.map((p) => ({ field: 'permissions', message: `"${p}" is neither a management permission nor one of a registered resource of this organization` })));
    return unique(wanted as string[]);
  };
  const descriptionProblem = (d: unknown) => (d === undefined || d === null ? null : displayNameProblem(d));
  const controlled = (caller: Caller, organizationId: string, idOrName: string, doing: string) =>
    loadControlled(caller, organizationId, () => get(organizationId, idOrName), (role) => role.permissions, doing);

  return {
    async create(caller, organizationId, { name, description, permissions: wanted }) {
      assertInScope(caller, organizationId);
      assertReachesEnvironment(caller);
      new Checks().add('name', roleNameProblem(name)).add('description', descriptionProblem(description)).done();
      if (!(await store.organizations.findById(organizationId))) throw problems.notFound('organization');
      const checked = await checkPermissions(organizationId, wanted);
      assertHolds(caller, checked, 'You cannot create a role that holds');
      const now = new Date();
      const role: Role = {
        id: newId('role'), organizationId, name, description: description?.trim() ?? null,
        permissions: checked, createdAt: now, updatedAt: now,
      };
      try {
        await store.roles.create(role);
      } catch (err) {
        if (err instanceof UniqueViolation) throw problems.conflict('role_exists', `A role named "${name}" already exists in this organization.`);
        throw err;
      }
      return role;
    },
    get,
    list: (organizationId, page) => store.roles.list(organizationId, pageRequest(page)),
    async update(caller, organizationId, idOrName, patch) {
      new Checks().add('description', descriptionProblem(patch.description)).done();
      const role = await controlled(caller, organizationId, idOrName, 'You cannot change a role that holds');
      const clean: Partial<Pick<Role, 'description' | 'permissions' | 'updatedAt'>> = { updatedAt: new Date() };
      if (patch.description !== undefined) clean.description = patch.description?.trim() ?? null;
      if (patch.permissions !== undefined) {
        clean.permissions = await checkPermissions(organizationId, patch.permissions);
        assertHolds(caller, clean.permissions, 'You cannot give a role');
      }
      const updated = await store.roles.update(organizationId, role.id, clean);
      if (!updated) throw problems.notFound('role');
      return updated;
    },
    async delete(caller, organizationId, idOrName) {
      const role = await controlled(caller, organizationId, idOrName, 'You cannot delete a role that holds');
      const members = await collectAll((page) => store.memberships.listByOrganization(organizationId, page));
      const holders = members.filter((m) => m.roles.includes(role.name)).length;
      if (holders) throw problems.conflict('role_in_use', `The role "${role.name}" is held by ${holders} member(s); remove it from them first.`);
      if (!(await store.roles.delete(organizationId, role.id))) throw problems.notFound('role');
    },
    async checkAssignable(organizationId, names, field = 'roles') {
      if (!Array.isArray(names) || names.some((n) => typeof n !== 'string'))
        throw problems.validation([{ field, message: 'must be a list of role names' }]);
      const wanted = unique(names as string[]);
      const unknown: string[] = [];
      for (const name of wanted) {
        if (Object.hasOwn(BUILT_IN_ROLES, name)) continue;
        if (!(await store.roles.findByName(organizationId, name))) unknown.push(name);
      }
      if (unknown.length)
        throw problems.validation(unknown.map((n) => ({ field, message: `"${n}" is neither a built-in role (admin, member) nor a role of this organization` })));
      return wanted;
    },
  };
}
