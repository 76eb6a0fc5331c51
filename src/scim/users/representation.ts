import type { User } from '../../store/ports.js';
import { URN } from '../protocol/urns.js';
import { rolesOf, type Seat } from './seats.js';

type Json = Record<string, unknown>;

/** What rendering needs beside the seat: the base URL and the Group id of each role. */
export interface RenderContext {
  /** `<issuer>/scim/v2` */
  base: string;
  /** the Group id of a role name; null for a role that no longer exists */
  groupIdOf(roleName: string): string | null;
}

/**
 * A seat as a SCIM User. A member's `userName` and email are their account's; the name, display
 * name and external id are what the identity provider said (a member it never wrote to shows
 * their account's name as display name). `active` is the membership's (or, while invited,
 * whether the invitation stands); `groups` are the roles.
 */
export function userDocument(seat: Seat, user: User | null, context: RenderContext): Json {
  const record = seat.record;
  const email = seat.kind === 'member' ? user?.email ?? record?.email ?? '' : seat.record.email;
  const name = record?.name;
  const created = seat.kind === 'member' && !record ? seat.membership.createdAt : record!.createdAt;
  const groups = rolesOf(seat).flatMap((role) => {
    const id = context.groupIdOf(role);
    return id ? [{ value: id, $ref: `${context.base}/Groups/${id}`, display: role, type: 'direct' }] : [];
  });
  const doc: Json = {
    schemas: [URN.user, URN.membership],
    id: seat.scimId,
    ...(record?.externalId ? { externalId: record.externalId } : {}),
    userName: email,
    ...(name ? { name: Object.fromEntries(Object.entries(name).filter(([, v]) => v !== null)) } : {}),
    ...(record?.displayName ? { displayName: record.displayName } : !record && user?.name ? { displayName: user.name } : {}),
    emails: [{ value: email, type: 'work', primary: true }],
    active: seat.kind === 'member' ? !seat.membership.disabled : seat.record.active,
    groups,
    [URN.membership]: { status: seat.kind === 'member' ? 'member' : 'invited' },
    meta: {
      resourceType: 'User',
      created: created.toISOString(),
      lastModified: (record?.updatedAt ?? created).toISOString(),
      location: `${context.base}/Users/${seat.scimId}`,
    },
  };
  return doc;
}
