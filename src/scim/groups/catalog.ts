import { BUILT_IN_ROLES } from '../../domain/permissions.js';
import { collectAll } from '../../identity/paging.js';
import type { ScimDeps } from '../context.js';
import { scimErrors } from '../protocol/errors.js';
import type { Filter } from '../protocol/filter.js';
import { rolesOf } from '../users/seats.js';
import type { GroupRole } from './representation.js';

const builtIn = (name: string, created: Date): GroupRole => ({ id: name, name, role: null, created, lastModified: created });

/** The Groups an organization has (its roles), and who holds each. */
export class GroupCatalog {
  constructor(private readonly deps: Pick<ScimDeps, 'store' | 'seats'>) {}

  /** @throws ScimError 404 */
  async find(organizationId: string, id: string): Promise<GroupRole> {
    const organization = await this.deps.store.organizations.findById(organizationId);
    if (organization && Object.hasOwn(BUILT_IN_ROLES, id)) return builtIn(id, organization.createdAt);
    const role = typeof id === 'string' && id ? await this.deps.store.roles.findById(organizationId, id) : null;
    if (!role) throw scimErrors.notFound('Group');
    return { id: role.id, name: role.name, role, created: role.createdAt, lastModified: role.updatedAt };
  }

  /** The built-in roles, then the custom ones, oldest first. */
  async all(organizationId: string): Promise<GroupRole[]> {
    const organization = await this.deps.store.organizations.findById(organizationId);
    const roles = await collectAll((page) => this.deps.store.roles.list(organizationId, page));
    return [
      ...Object.keys(BUILT_IN_ROLES).map((name) => builtIn(name, organization!.createdAt)),
      ...roles.reverse().map((role) => ({ id: role.id, name: role.name, role, created: role.createdAt, lastModified: role.updatedAt })),
    ];
  }

  /** `displayName eq "x"` and `id eq "x"` (and their and/or) find their Groups without listing every role. */
  async narrowed(organizationId: string, filter: Filter): Promise<GroupRole[] | null> {
    const found = async (f: Filter): Promise<GroupRole[] | null> => {
      if (f.op === 'and') return (await found(f.left)) ?? found(f.right);
      if (f.op === 'or') {
        const [left, right] = [await found(f.left), await found(f.right)];
        return left && right ? [...left, ...right.filter((g) => !left.some((l) => l.id === g.id))] : null;
      }
      if (f.op !== 'eq' || typeof f.value !== 'string' || f.path.subAttribute) return null;
      if (f.path.attribute === 'id') return this.find(organizationId, f.value).then((g) => [g], () => []);
      if (f.path.attribute !== 'displayName') return null;
      // role names are lower-case; displayName compares without case
      const name = f.value.toLowerCase();
      const organization = await this.deps.store.organizations.findById(organizationId);
      if (Object.hasOwn(BUILT_IN_ROLES, name)) return [builtIn(name, organization!.createdAt)];
      const role = await this.deps.store.roles.findByName(organizationId, name);
      return role ? [{ id: role.id, name: role.name, role, created: role.createdAt, lastModified: role.updatedAt }] : [];
    };
    return found(filter);
  }

  /** Role name → the SCIM ids of the people holding it (or invited with it). */
  async holders(organizationId: string): Promise<Map<string, string[]>> {
    const byRole = new Map<string, string[]>();
    for (const seat of await this.deps.seats.all(organizationId)) {
      for (const role of rolesOf(seat)) byRole.set(role, [...(byRole.get(role) ?? []), seat.scimId]);
    }
    return byRole;
  }
}
