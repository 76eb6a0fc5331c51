import { HttpProblem } from '../../http/problem.js';
import { UniqueViolation, type ScimUser, type User } from '../../store/ports.js';
import type { ScimDeps, ScimRequest } from '../context.js';
import { scimErrors } from '../protocol/errors.js';
import type { DesiredUser } from './desired.js';
import type { Seat } from './seats.js';

/** `retry`: a write lost a compare-and-set; read again and redo. */
export type WriteOutcome = 'done' | 'retry';

/** A unique constraint of the store as SCIM's `uniqueness`; anything else as it was. */
export const uniqueness = (err: unknown) => {
  if (err instanceof UniqueViolation) return scimErrors.uniqueness(`Another User of this organization has this ${err.field === 'external_id' ? 'externalId' : 'userName'}.`);
  return err;
};

/**
 * Writes what a PUT or PATCH asks of one person, once the caller's control of them is checked:
 * a member's state through the member service and the organization's view of them on their
 * record; an invited person's record and invitation.
 */
export class UserWrites {
  constructor(private readonly deps: ScimDeps) {}

  /** A member: `active` through the member service (disabling ends their grants and keys); names and external id on their record. */
  async member(req: ScimRequest, seat: Extract<Seat, { kind: 'member' }>, user: User | null, desired: DesiredUser): Promise<WriteOutcome> {
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
      return (await this.deps.store.scimUsers.update(organizationId, record.id, record.version, { ...view, updatedAt: new Date() })) ? 'done' : 'retry';
    } catch (err) {
      if (err instanceof UniqueViolation && err.field !== 'external_id') return 'retry';
      throw uniqueness(err);
    }
  }

  /**
   * An invited person: a new address or a reactivation sends a new invitation (as does any write
   * keeping them active once theirs expired); deactivation or a new address revokes the old one.
   */
  async invited(req: ScimRequest, seat: Extract<Seat, { kind: 'invited' }>, desired: DesiredUser): Promise<WriteOutcome> {
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
      return 'retry';
    }
    if (pending && (moved || !desired.active)) {
      await identity.invitations.revoke(caller, organizationId, record.invitationId!).catch((err: unknown) => {
        if (!(err instanceof HttpProblem && err.code === 'invitation_accepted')) throw err;
      });
    }
    return 'done';
  }
}
