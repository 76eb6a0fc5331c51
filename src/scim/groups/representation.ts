import type { Role } from '../../store/ports.js';
import { URN } from '../protocol/urns.js';

type Json = Record<string, unknown>;

/** A role as a Group: a built-in one (id = its name) or a custom role (id = the role's id). */
export interface GroupRole {
  id: string;
  name: string;
  /** null for `admin` and `member` */
  role: Role | null;
  created: Date;
  lastModified: Date;
}

/** A Group's document; `members` (SCIM User ids) only when asked for, since listing them reads every membership. */
export function groupDocument(group: GroupRole, base: string, members: readonly string[] | null): Json {
  return {
    schemas: [URN.group],
    id: group.id,
    displayName: group.name,
    ...(members ? { members: members.map((id) => ({ value: id, $ref: `${base}/Users/${id}`, type: 'User' })) } : {}),
    meta: {
      resourceType: 'Group', created: group.created.toISOString(), lastModified: group.lastModified.toISOString(),
      location: `${base}/Groups/${group.id}`,
    },
  };
}
