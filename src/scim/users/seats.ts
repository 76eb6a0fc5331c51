import { BUILT_IN_ROLES } from '../../domain/permissions.js';
import { collectAll } from '../../identity/paging.js';
import type { Membership, ScimUser, Store } from '../../store/ports.js';

/**
 * A person an organization's identity provider sees under `/Users`: a member of the organization
 * (whether or not SCIM brought them), or someone SCIM invited who has not joined yet.
 */
export type Seat =
  | { kind: 'member'; scimId: string; membership: Membership; record: ScimUser | null }
  | { kind: 'invited'; scimId: string; record: ScimUser };

/** The roles a seat holds, or will hold on joining. */
export const rolesOf = (seat: Seat): string[] => (seat.kind === 'member' ? seat.membership.roles : seat.record.roles);

/** Listing order: creation time (ids are time-ordered; a member by their membership, an invited person by their record). */
export const orderOf = (seat: Seat): string => {
  const id = seat.kind === 'member' ? seat.membership.id : seat.record.id;
  return id.slice(id.indexOf('_') + 1);
};

const ATTEMPTS = 3;

/**
 * Finds seats and keeps SCIM's records in step with memberships: an invited person who accepted
 * becomes a member with the roles and state the identity provider gave them meanwhile (`join`,
 * run when the invitation is accepted and again whenever a record is read still invited, so a
 * crash between the two loses nothing); a record whose member left is forgotten.
 */
export class Seats {
  constructor(private readonly store: Store) {}

  /** The seat of a SCIM id (a record's, or a member's user id), in the organization; null when none. */
  async byId(organizationId: string, id: string): Promise<Seat | null> {
    const record = await this.store.scimUsers.findById(organizationId, id);
    if (record) return this.ofRecord(record);
    // a member's SCIM id is their record's once they have one
    if (await this.store.scimUsers.findByUserId(organizationId, id)) return null;
    const membership = await this.store.memberships.find(organizationId, id);
    return membership ? { kind: 'member', scimId: id, membership, record: null } : null;
  }

  /** The seat of an email: the member with that account, else the invited person with that address. */
  async byUserName(organizationId: string, email: string): Promise<Seat | null> {
    const user = await this.store.users.findByEmail(email);
    if (user) {
      const membership = await this.store.memberships.find(organizationId, user.id);
      if (membership) return this.ofMembership(membership);
    }
    const invited = await this.store.scimUsers.findInvitedByEmail(organizationId, email);
    return invited ? this.ofRecord(invited) : null;
  }

  async byExternalId(organizationId: string, externalId: string): Promise<Seat | null> {
    const record = await this.store.scimUsers.findByExternalId(organizationId, externalId);
    return record ? this.ofRecord(record) : null;
  }

  /** Every seat of the organization, oldest first. */
  async all(organizationId: string): Promise<Seat[]> {
    const invited: Seat[] = [];
    const linked = new Map<string, ScimUser>();
    // records first: an invited person found to have joined is linked before the members are read
    for (const record of await collectAll((page) => this.store.scimUsers.list(organizationId, page))) {
      const seat = record.userId ? null : await this.ofRecord(record);
      if (seat?.kind === 'invited') invited.push(seat);
      else if (seat) linked.set(seat.membership.userId, seat.record!);
      else if (record.userId) linked.set(record.userId, record);
    }
    const memberships = await collectAll((page) => this.store.memberships.listByOrganization(organizationId, page));
    const members = memberships.map((membership): Seat => {
      const record = linked.get(membership.userId) ?? null;
      return { kind: 'member', scimId: record?.id ?? membership.userId, membership, record };
    });
    return [...members, ...invited].sort((a, b) => (orderOf(a) < orderOf(b) ? -1 : 1));
  }

  async ofMembership(membership: Membership): Promise<Seat> {
    const record = await this.store.scimUsers.findByUserId(membership.organizationId, membership.userId);
    return { kind: 'member', scimId: record?.id ?? membership.userId, membership, record };
  }

  /** A record's seat: its member's, or (still invited) its own; null for a member who left (the record is dropped). */
  async ofRecord(record: ScimUser): Promise<Seat | null> {
    if (record.userId) {
      const membership = await this.store.memberships.find(record.organizationId, record.userId);
      if (membership) return { kind: 'member', scimId: record.id, membership, record };
      await this.store.scimUsers.delete(record.organizationId, record.id);
      return null;
    }
    const invitation = record.invitationId ? await this.store.invitations.findById(record.organizationId, record.invitationId) : null;
    if (invitation?.acceptedBy) {
      const joined = await this.join(record, invitation.acceptedBy);
      return joined && this.ofRecord(joined);
    }
    return { kind: 'invited', scimId: record.id, record };
  }

  /**
   * The invited person of `record` joined as `userId`: the record is theirs from now on, and their
   * membership gets the roles and state the identity provider gave them while they were invited
   * (checked against the SCIM token when given, as an invitation's roles are when it is sent).
   * @returns the linked record, or null when it is gone
   */
  async join(record: ScimUser, userId: string): Promise<ScimUser | null> {
    let current: ScimUser | null = record;
    for (let attempt = 0; current && !current.userId && attempt < ATTEMPTS; attempt++) {
      const linked = await this.store.scimUsers.update(current.organizationId, current.id, current.version, { userId, updatedAt: new Date() });
      if (linked) {
        await this.applyToMembership(linked);
        return linked;
      }
      current = await this.store.scimUsers.findById(record.organizationId, record.id);
    }
    return current;
  }

  private async applyToMembership(record: ScimUser): Promise<void> {
    const { organizationId, userId } = record as ScimUser & { userId: string };
    // a custom role deleted while they were invited is not given: no membership names a missing role
    const roles: string[] = [];
    for (const name of record.roles) {
      if (Object.hasOwn(BUILT_IN_ROLES, name) || (await this.store.roles.findByName(organizationId, name))) roles.push(name);
    }
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const membership = await this.store.memberships.find(organizationId, userId);
      if (!membership || (sameSet(membership.roles, roles) && membership.disabled === !record.active)) return;
      const change = await this.store.memberships.update(organizationId, userId, { roles, disabled: !record.active }, membership.roles);
      if (change.outcome !== 'changed') return;
    }
  }
}

const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x) => b.includes(x));
