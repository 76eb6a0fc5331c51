import { newId } from '../../domain/ids.js';
import { HttpProblem } from '../../http/problem.js';
import { normalizeEmail } from '../../identity/validation.js';
import { UniqueViolation, type ScimUser, type User } from '../../store/ports.js';
import { auditScim, renderContext, type ScimDeps, type ScimRequest } from '../context.js';
import { USER_SCHEMA } from '../protocol/attributes.js';
import { ScimError, scimErrors } from '../protocol/errors.js';
import { matches } from '../protocol/evaluate.js';
import { parseFilter, type Filter } from '../protocol/filter.js';
import { listResponse, pageOfList, type Paging } from '../protocol/list.js';
import { applyPatch, patchOperations } from '../protocol/patch.js';
import { project, type Projection } from '../protocol/projection.js';
import { URN } from '../protocol/urns.js';
import { desiredUser, type DesiredUser } from './desired.js';
import { userDocument, type RenderContext } from './representation.js';
import { orderOf, rolesOf, type Seat } from './seats.js';

type Json = Record<string, unknown>;

/** The roles an identity provider's new person joins with; Groups add and take away the rest. */
export const DEFAULT_ROLES = ['member'];
const ATTEMPTS = 3;
/** A write lost a compare-and-set: read again and redo. */
const RETRY = Symbol('retry');

const uniqueness = (err: unknown) => {
  if (err instanceof UniqueViolation) return scimErrors.uniqueness(`Another User of this organization has this ${err.field === 'external_id' ? 'externalId' : 'userName'}.`);
  return err;
};

/**
 * `/Users`. People are invited, never attached (SPEC §2a): creating a User mails an invitation to
 * its userName and the User stays `invited` until the person accepts it (signing in to their
 * account, or choosing a password if they have none), whatever accounts exist anywhere; the
 * answer is the same either way. Deprovisioning (`active: false`) disables a member, as
 * `PATCH …/users/{id}` `{disabled: true}` does (their app authorizations and API keys end), or
 * revokes an invited person's invitation; DELETE removes the member (or the invitation). A
 * member's email is their account's and never changes here; name, display name and external id
 * are this organization's view only. Every change of a person needs the token to hold every
 * permission of their roles.
 */
export class ScimUsers {
  constructor(private readonly deps: ScimDeps) {}

  async list(req: ScimRequest, query: { filter?: string; paging: Paging; projection: Projection }): Promise<Json> {
    const filter = query.filter === undefined ? null : parseFilter(USER_SCHEMA, query.filter);
    const seats = (filter && (await this.narrowed(req.organizationId, filter))) ?? (await this.deps.seats.all(req.organizationId));
    const context = await renderContext(this.deps, req.organizationId);
    let docs: Json[];
    let total: number;
    if (filter) {
      const all = (await Promise.all(seats.map((seat) => this.render(seat, context)))).filter((doc) => matches(USER_SCHEMA, filter, doc));
      total = all.length;
      docs = pageOfList(all, query.paging);
    } else {
      total = seats.length;
      // only the page is rendered (a member's account is read for it)
      docs = await Promise.all(pageOfList(seats, query.paging).map((seat) => this.render(seat, context)));
    }
    return listResponse(docs.map((doc) => project(USER_SCHEMA, doc, query.projection)), total, query.paging.startIndex);
  }

  async get(req: ScimRequest, id: string, projection: Projection): Promise<Json> {
    const seat = await this.find(req, id);
    return project(USER_SCHEMA, await this.render(seat, await renderContext(this.deps, req.organizationId)), projection);
  }

  async create(req: ScimRequest, body: Json): Promise<Json> {
    const desired = desiredUser(body);
    const { caller, organizationId } = req;
    const existing = await this.deps.seats.byUserName(organizationId, desired.userName);
    if (existing) throw scimErrors.uniqueness(`${desired.userName} is a User of this organization already (id "${existing.scimId}").`);
    if (desired.externalId && (await this.deps.store.scimUsers.findByExternalId(organizationId, desired.externalId)))
      throw scimErrors.uniqueness('Another User of this organization has this externalId.');
    const roles = await this.deps.authority.assignable(caller, organizationId, DEFAULT_ROLES);
    // the invitation first: it refuses what the invariants refuse, and nothing is kept when it fails
    const invitation = desired.active ? await this.deps.identity.invitations.create(caller, organizationId, { email: desired.userName, roles }) : null;
    const now = new Date();
    const record: ScimUser = {
      id: newId('scu'), organizationId, userId: null, email: desired.userName, externalId: desired.externalId, name: desired.name,
      displayName: desired.displayName, active: desired.active, roles, invitationId: invitation?.id ?? null, version: 1, createdAt: now, updatedAt: now,
    };
    try {
      await this.deps.store.scimUsers.create(record);
    } catch (err) {
      if (invitation) await this.deps.identity.invitations.revoke(caller, organizationId, invitation.id);
      throw uniqueness(err);
    }
    await auditScim(this.deps, req, 'scim.user.created', { type: 'scim_user', id: record.id }, { invitation_id: invitation?.id ?? null, roles });
    return this.render({ kind: 'invited', scimId: record.id, record }, await renderContext(this.deps, organizationId));
  }

  /** PUT: the body is the whole User (read-only attributes, `groups` among them, are ignored). */
  replace(req: ScimRequest, id: string, body: Json): Promise<Json> {
    return this.change(req, id, () => desiredUser(body));
  }

  /** PATCH: the operations applied to the User as it is, then written as a PUT would be. */
  patch(req: ScimRequest, id: string, body: Json): Promise<Json> {
    const operations = patchOperations(body);
    return this.change(req, id, (current) => {
      const next = applyPatch(USER_SCHEMA, current, operations);
      for (const attribute of ['id', 'groups', 'meta', URN.membership]) {
        if (JSON.stringify(next[attribute]) !== JSON.stringify(current[attribute]))
          throw scimErrors.mutability(`${attribute} is read-only${attribute === 'groups' ? ': change Group members instead' : ''}.`);
      }
      return desiredUser(next);
    });
  }

  async delete(req: ScimRequest, id: string): Promise<void> {
    const { caller, organizationId } = req;
    let seat = await this.find(req, id);
    await this.deps.authority.assertControls(caller, organizationId, rolesOf(seat), 'You cannot remove a person who holds');
    if (seat.kind === 'invited' && seat.record.active && seat.record.invitationId) {
      try {
        await this.deps.identity.invitations.revoke(caller, organizationId, seat.record.invitationId);
      } catch (err) {
        // accepted meanwhile: they are a member now, and go as one
        if (!(err instanceof HttpProblem && err.code === 'invitation_accepted')) throw err;
        seat = await this.find(req, id);
      }
    }
    if (seat.kind === 'member') await this.deps.identity.members.remove(caller, organizationId, seat.membership.userId);
    if (seat.record) await this.deps.store.scimUsers.delete(organizationId, seat.record.id);
    await auditScim(this.deps, req, 'scim.user.deleted', { type: 'scim_user', id: seat.scimId }, { status: seat.kind });
  }

  private async find(req: ScimRequest, id: string): Promise<Seat> {
    const seat = await this.deps.seats.byId(req.organizationId, id);
    if (!seat) throw scimErrors.notFound('User');
    return seat;
  }

  private async render(seat: Seat, context: RenderContext): Promise<Json> {
    const user = seat.kind === 'member' ? await this.deps.store.users.findById(seat.membership.userId) : null;
    return userDocument(seat, user, context);
  }

  /** The few seats a filter can only match (`userName eq`, `externalId eq`, `id eq`, and their and/or), or null: every seat. */
  private async narrowed(organizationId: string, filter: Filter): Promise<Seat[] | null> {
    const found = async (f: Filter): Promise<Array<Seat | null> | null> => {
      if (f.op === 'and') return (await found(f.left)) ?? found(f.right);
      if (f.op === 'or') {
        const [left, right] = [await found(f.left), await found(f.right)];
        return left && right ? [...left, ...right] : null;
      }
      if (f.op === 'has' && f.path.attribute === 'emails') return found(f.filter);
      if (f.op !== 'eq' || typeof f.value !== 'string' || f.path.urn) return null;
      const { attribute, subAttribute } = f.path;
      if (attribute === 'userName' || (attribute === 'emails' && (subAttribute ?? 'value') === 'value'))
        return [await this.deps.seats.byUserName(organizationId, normalizeEmail(f.value))];
      if (attribute === 'externalId') return [await this.deps.seats.byExternalId(organizationId, f.value)];
      if (attribute === 'id') return [await this.deps.seats.byId(organizationId, f.value)];
      return null;
    };
    const seats = await found(filter);
    if (!seats) return null;
    const unique = new Map(seats.filter((s): s is Seat => s !== null).map((s) => [s.scimId, s]));
    return [...unique.values()].sort((a, b) => (orderOf(a) < orderOf(b) ? -1 : 1));
  }

  /** Reads the User, asks `desiredOf` what it should be, checks and writes the difference (again from a fresh read if it raced). */
  private async change(req: ScimRequest, id: string, desiredOf: (current: Json) => DesiredUser): Promise<Json> {
    const { caller, organizationId } = req;
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const seat = await this.find(req, id);
      const context = await renderContext(this.deps, organizationId);
      const user = seat.kind === 'member' ? await this.deps.store.users.findById(seat.membership.userId) : null;
      const desired = desiredOf(userDocument(seat, user, context));
      await this.deps.authority.assertControls(caller, organizationId, rolesOf(seat));
      if (desired.externalId) {
        const holder = await this.deps.store.scimUsers.findByExternalId(organizationId, desired.externalId);
        if (holder && holder.id !== seat.record?.id) throw scimErrors.uniqueness('Another User of this organization has this externalId.');
      }
      const outcome = seat.kind === 'member' ? await this.changeMember(req, seat, user, desired) : await this.changeInvited(req, seat, desired);
      if (outcome === RETRY) continue;
      await auditScim(this.deps, req, 'scim.user.updated', { type: 'scim_user', id: seat.scimId }, { active: desired.active });
      return this.render((await this.deps.seats.byId(organizationId, seat.scimId)) ?? seat, context);
    }
    throw new ScimError(409, 'The User changed meanwhile; try again.');
  }

  private async changeMember(req: ScimRequest, seat: Extract<Seat, { kind: 'member' }>, user: User | null, desired: DesiredUser) {
    const { caller, organizationId } = req;
    const { userId } = seat.membership;
    if (!user || desired.userName !== user.email)
      throw scimErrors.mutability('A member\'s userName is their account\'s email: it is theirs to change, not the organization\'s.');
    if (desired.active === seat.membership.disabled) await this.deps.identity.members.update(caller, organizationId, userId, { disabled: !desired.active });
    const view = { externalId: desired.externalId, name: desired.name, displayName: desired.displayName };
    const record = seat.record;
    if (!record && !view.externalId && !view.name && !view.displayName) return 'done';
    try {
      if (!record) {
        const now = new Date();
        // the member's SCIM id stays their user id
        await this.deps.store.scimUsers.create({
          id: userId, organizationId, userId, email: user.email, ...view, active: true, roles: [], invitationId: null, version: 1, createdAt: now, updatedAt: now,
        });
        return 'done';
      }
      if (JSON.stringify(view) === JSON.stringify({ externalId: record.externalId, name: record.name, displayName: record.displayName })) return 'done';
      return (await this.deps.store.scimUsers.update(organizationId, record.id, record.version, { ...view, updatedAt: new Date() })) ? 'done' : RETRY;
    } catch (err) {
      if (err instanceof UniqueViolation && err.field !== 'external_id') return RETRY;
      throw uniqueness(err);
    }
  }

  /**
   * An invited person: a new address or a reactivation sends a new invitation (as does any write
   * keeping them active once theirs expired); deactivation or a new address revokes the old one.
   */
  private async changeInvited(req: ScimRequest, seat: Extract<Seat, { kind: 'invited' }>, desired: DesiredUser) {
    const { caller, organizationId } = req;
    const { identity } = this.deps;
    const record = seat.record;
    const moved = desired.userName !== record.email;
    if (moved && (await this.deps.seats.byUserName(organizationId, desired.userName)))
      throw scimErrors.uniqueness(`${desired.userName} is a User of this organization already.`);
    const standing = record.invitationId ? await identity.invitations.get(organizationId, record.invitationId).catch(() => null) : null;
    const pending = Boolean(standing && identity.invitations.status(standing) === 'pending');
    const invite = desired.active && (moved || !pending);
    const fresh = invite ? await identity.invitations.create(caller, organizationId, { email: desired.userName, roles: record.roles }) : null;
    let updated: ScimUser | null;
    try {
      updated = await this.deps.store.scimUsers.update(organizationId, record.id, record.version, {
        email: desired.userName, externalId: desired.externalId, name: desired.name, displayName: desired.displayName,
        active: desired.active, invitationId: fresh?.id ?? record.invitationId, updatedAt: new Date(),
      });
    } catch (err) {
      if (fresh) await identity.invitations.revoke(caller, organizationId, fresh.id);
      throw uniqueness(err);
    }
    if (!updated) {
      if (fresh) await identity.invitations.revoke(caller, organizationId, fresh.id);
      return RETRY;
    }
    if (pending && (moved || !desired.active)) {
      await identity.invitations.revoke(caller, organizationId, record.invitationId!).catch((err: unknown) => {
        if (!(err instanceof HttpProblem && err.code === 'invitation_accepted')) throw err;
      });
    }
    return 'done';
  }
}
