import { newId } from '../../domain/ids.js';
import { HttpProblem } from '../../http/problem.js';
import type { ScimUser } from '../../store/ports.js';
import { auditScim, renderContext, type ScimDeps, type ScimRequest } from '../context.js';
import { USER_SCHEMA } from '../protocol/attributes.js';
import { ScimError, scimErrors } from '../protocol/errors.js';
import { matches } from '../protocol/evaluate.js';
import { parseFilter } from '../protocol/filter.js';
import { listResponse, pageOfList, type Paging } from '../protocol/list.js';
import { applyPatch, patchOperations } from '../protocol/patch.js';
import { project, type Projection } from '../protocol/projection.js';
import { URN } from '../protocol/urns.js';
import { desiredUser, type DesiredUser } from './desired.js';
import { userDocument, type RenderContext } from './representation.js';
import { narrowedSeats } from './narrow.js';
import { rolesOf, type Seat } from './seats.js';
import { uniqueness, UserWrites } from './writes.js';

type Json = Record<string, unknown>;

/** The roles an identity provider's new person joins with; Groups add and take away the rest. */
export const DEFAULT_ROLES = ['member'];
const ATTEMPTS = 3;

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
  private readonly writes: UserWrites;

  constructor(private readonly deps: ScimDeps) {
    this.writes = new UserWrites(deps);
  }

  async list(req: ScimRequest, query: { filter?: string; paging: Paging; projection: Projection }): Promise<Json> {
    const filter = query.filter === undefined ? null : parseFilter(USER_SCHEMA, query.filter);
    const seats = (filter && (await narrowedSeats(this.deps.seats, req.organizationId, filter))) ?? (await this.deps.seats.all(req.organizationId));
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
      const outcome = seat.kind === 'member' ? await this.writes.member(req, seat, user, desired) : await this.writes.invited(req, seat, desired);
      if (outcome === 'retry') continue;
      await auditScim(this.deps, req, 'scim.user.updated', { type: 'scim_user', id: seat.scimId }, { active: desired.active });
      return this.render((await this.deps.seats.byId(organizationId, seat.scimId)) ?? seat, context);
    }
    throw new ScimError(409, 'The User changed meanwhile; try again.');
  }
}
