import { BUILT_IN_ROLES } from '../../domain/permissions.js';
import { roleNameProblem } from '../../identity/validation.js';
import { auditScim, type ScimDeps, type ScimRequest } from '../context.js';
import { GROUP_SCHEMA } from '../protocol/attributes.js';
import { scimErrors } from '../protocol/errors.js';
import { attributesOf, getKey, matches } from '../protocol/evaluate.js';
import { parseFilter } from '../protocol/filter.js';
import { listResponse, pageOfList, type Paging } from '../protocol/list.js';
import { applyPatch, patchOperations } from '../protocol/patch.js';
import { project, wants, type Projection } from '../protocol/projection.js';
import type { RoleChange } from '../seat-roles.js';
import { GroupCatalog } from './catalog.js';
import { groupDocument } from './representation.js';

type Json = Record<string, unknown>;

const everyone = (): Projection => ({ only: null, excluded: [] });

/**
 * `/Groups`: the organization's roles, built-in (`admin`, `member`: ids are their names) and
 * custom. A Group's members are the people holding the role (members and invited people alike).
 * Adding or removing members gives or takes the role through the same checks as the management
 * API (each checked before any is made); creating a Group creates a custom role holding no
 * permission (an administrator gives it permissions in Gatehouse), deleting one takes the role
 * from everyone, then deletes it. Built-in Groups cannot be created, renamed or deleted; no Group
 * can be renamed (roles are named by their name).
 */
export class ScimGroups {
  private readonly catalog: GroupCatalog;

  constructor(private readonly deps: ScimDeps) {
    this.catalog = new GroupCatalog(deps);
  }

  async list(req: ScimRequest, query: { filter?: string; paging: Paging; projection: Projection }): Promise<Json> {
    const filter = query.filter === undefined ? null : parseFilter(GROUP_SCHEMA, query.filter);
    const groups = (filter && (await this.catalog.narrowed(req.organizationId, filter))) ?? (await this.catalog.all(req.organizationId));
    const needMembers = wants(query.projection, 'members') || Boolean(filter && attributesOf(filter).has('members'));
    const holders = needMembers ? await this.catalog.holders(req.organizationId) : null;
    const docs = groups.map((g) => groupDocument(g, this.deps.base, holders && (holders.get(g.name) ?? [])))
      .filter((doc) => !filter || matches(GROUP_SCHEMA, filter, doc));
    return listResponse(pageOfList(docs, query.paging).map((doc) => project(GROUP_SCHEMA, doc, query.projection)), docs.length, query.paging.startIndex);
  }

  async get(req: ScimRequest, id: string, projection: Projection): Promise<Json> {
    const group = await this.catalog.find(req.organizationId, id);
    const members = wants(projection, 'members') ? (await this.catalog.holders(req.organizationId)).get(group.name) ?? [] : null;
    return project(GROUP_SCHEMA, groupDocument(group, this.deps.base, members), projection);
  }

  async create(req: ScimRequest, body: Json): Promise<Json> {
    const doc = this.checked(body);
    // displayName compares without case (RFC 7643): "Engineering" is the role `engineering`
    const sent = getKey(doc, 'displayName');
    const name = typeof sent === 'string' ? sent.toLowerCase() : sent;
    if (typeof name === 'string' && Object.hasOwn(BUILT_IN_ROLES, name)) throw scimErrors.uniqueness(`The Group "${name}" exists (a built-in role).`);
    const problem = roleNameProblem(name);
    if (problem) throw scimErrors.invalidValue(`displayName is the role's name: it ${problem}.`);
    // who would join is found (and checked as far as a role that does not exist yet allows) before anything is made
    const adds = await this.changes(req, name as string, new Set(), this.memberIds(doc), false);
    const role = await this.deps.identity.roles.create(req.caller, req.organizationId, {
      name: name as string, description: 'Provisioned by SCIM: give it permissions in Gatehouse', permissions: [],
    });
    await this.deps.seatRoles.apply(req.caller, req.organizationId, adds);
    await auditScim(this.deps, req, 'scim.group.created', { type: 'role', id: role.id }, { name: role.name, members_added: adds.length });
    return this.get(req, role.id, everyone());
  }

  /** PUT: the body is the whole Group; its members replace the role's holders. */
  replace(req: ScimRequest, id: string, body: Json): Promise<Json> {
    return this.change(req, id, () => this.checked(body));
  }

  /** PATCH: the operations applied to the Group (its members included), then written as a PUT would be. */
  patch(req: ScimRequest, id: string, body: Json): Promise<Json> {
    const operations = patchOperations(body);
    return this.change(req, id, (current) => {
      const next = applyPatch(GROUP_SCHEMA, current, operations);
      for (const attribute of ['id', 'meta']) {
        if (JSON.stringify(next[attribute]) !== JSON.stringify(current[attribute])) throw scimErrors.mutability(`${attribute} is read-only.`);
      }
      return next;
    });
  }

  async delete(req: ScimRequest, id: string): Promise<void> {
    const group = await this.catalog.find(req.organizationId, id);
    if (!group.role) throw scimErrors.mutability(`"${group.name}" is a built-in role: it cannot be deleted.`);
    const removals = await this.changes(req, group.name, new Set((await this.catalog.holders(req.organizationId)).get(group.name)), new Set());
    await this.deps.seatRoles.apply(req.caller, req.organizationId, removals);
    await this.deps.identity.roles.delete(req.caller, req.organizationId, group.role.id);
    await auditScim(this.deps, req, 'scim.group.deleted', { type: 'role', id: group.role.id }, { name: group.name, members_removed: removals.length });
  }

  private async change(req: ScimRequest, id: string, desiredOf: (current: Json) => Json): Promise<Json> {
    const group = await this.catalog.find(req.organizationId, id);
    const current = new Set((await this.catalog.holders(req.organizationId)).get(group.name));
    const desired = desiredOf(groupDocument(group, this.deps.base, [...current]));
    const displayName = getKey(desired, 'displayName');
    if (typeof displayName !== 'string' || displayName.toLowerCase() !== group.name)
      throw scimErrors.mutability(`A Group's displayName is its role's name, "${group.name}": roles cannot be renamed.`);
    const changes = await this.changes(req, group.name, current, this.memberIds(desired));
    await this.deps.seatRoles.apply(req.caller, req.organizationId, changes);
    if (changes.length) {
      await auditScim(this.deps, req, 'scim.group.updated', { type: 'role', id: group.role?.id ?? group.name }, {
        name: group.name, members_added: changes.filter((c) => c.add).length, members_removed: changes.filter((c) => !c.add).length,
      });
    }
    return this.get(req, group.id, everyone());
  }

  /**
   * The role changes that make `desired` the holders of `role`, every one checked before any is
   * made (`roleExists` false: the caller's control of each person only, for a role about to be made).
   */
  private async changes(req: ScimRequest, role: string, current: Set<string>, desired: Set<string>, roleExists = true): Promise<RoleChange[]> {
    const changes: RoleChange[] = [];
    const seatOf = async (id: string) => {
      const seat = await this.deps.seats.byId(req.organizationId, id);
      // another organization's people are no more found than people who do not exist
      if (!seat) throw scimErrors.invalidValue(`No User "${id.slice(0, 80)}" in this organization.`);
      return seat;
    };
    for (const id of desired) if (!current.has(id)) changes.push({ seat: await seatOf(id), role, add: true });
    for (const id of current) if (!desired.has(id)) changes.push({ seat: await seatOf(id), role, add: false });
    await this.deps.seatRoles.check(req.caller, req.organizationId, roleExists ? changes : changes.map((c) => ({ ...c, add: false })));
    return changes;
  }

  /** Schemas and members of a Group document, checked. */
  private checked(doc: Json): Json {
    const schemas = getKey(doc, 'schemas');
    if (schemas !== undefined && (!Array.isArray(schemas) || !schemas.includes(GROUP_SCHEMA.core)))
      throw scimErrors.invalidSyntax(`A Group's schemas must include "${GROUP_SCHEMA.core}".`);
    this.memberIds(doc);
    return doc;
  }

  private memberIds(doc: Json): Set<string> {
    const members = getKey(doc, 'members') ?? [];
    if (!Array.isArray(members)) throw scimErrors.invalidValue('members must be a list of {value: <User id>}.');
    if (members.length > 10_000) throw scimErrors.invalidValue('At most 10000 members at once.');
    return new Set(members.map((m) => {
      const value = getKey(m, 'value');
      if (typeof value !== 'string' || !value) throw scimErrors.invalidValue('Each member needs a value: a User id.');
      return value;
    }));
  }
}
