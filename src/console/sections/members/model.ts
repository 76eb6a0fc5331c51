import { BUILT_IN_ROLES, grantsAll } from '../../../domain/permissions.js';
import { vocabularyOf } from '../grantable.js';
import type { OrgPage } from '../section.js';
import type { Listing } from '../shared.js';

/** A member as `GET …/users` answers. */
export interface MemberJson {
  id: string;
  email: string | null;
  name: string | null;
  roles: string[];
  disabled: boolean;
  joined_at: string;
}

/** An invitation as `GET …/invitations` answers. */
export interface InvitationJson {
  id: string;
  email: string;
  roles: string[];
  status: 'pending' | 'accepted' | 'revoked' | 'expired';
  created_at: string;
  expires_at: string;
}

export const READ = 'users:read';
export const WRITE = 'users:write';
export const memberPath = (page: OrgPage) => `/users/${encodeURIComponent(page.params.id)}`;
export const memberLabel = (m: MemberJson) => m.email ?? m.name ?? m.id;

/** A role the organization has, with what it holds (null: unknown to this person). */
export interface RoleInfo {
  name: string;
  description: string;
  permissions: readonly string[] | null;
}

/**
 * The organization's roles as the person can see them, and what follows for the controls: a
 * role is offered only when the person holds every permission it gives, and a member is offered
 * to change, disable or remove only when the person holds every permission of the member's roles
 * (the API's rule: 403 `permission_escalation` otherwise).
 */
export interface RoleCatalogue {
  roles: RoleInfo[];
  /** the roles the person may hand out */
  offered: RoleInfo[];
  /** whether the person may change, disable or remove this member */
  controls(member: MemberJson): boolean;
}

/** Reads the vocabulary (built-in roles are computed from it) and the custom roles, as far as the person may. */
export async function roleCatalogue(page: OrgPage): Promise<RoleCatalogue> {
  const [vocabulary, custom] = await Promise.all([
    vocabularyOf(page),
    page.can('roles:read') ? page.api.get<Listing<{ name: string; description: string | null; permissions: string[] }>>('/roles?limit=100') : null,
  ]);
  const builtIn = (name: string, description: string): RoleInfo => ({ name, description, permissions: vocabulary ? BUILT_IN_ROLES[name](vocabulary.permissions) : null });
  const roles: RoleInfo[] = [
    builtIn('admin', `Every permission of ${page.org.name}`),
    builtIn('member', 'Every :read permission'),
    ...(custom?.status === 200 ? custom.body.data.map((r) => ({ name: r.name, description: r.description ?? '', permissions: r.permissions })) : []),
  ];
  const byName = new Map(roles.map((r) => [r.name, r]));
  const holdsAll = (permissions: readonly string[] | null | undefined) => Array.isArray(permissions) && grantsAll(page.permissions, permissions);
  return {
    roles,
    offered: page.can(WRITE) ? roles.filter((r) => holdsAll(r.permissions)) : [],
    controls: (member) => page.can(WRITE) && member.roles.every((name) => holdsAll(byName.get(name)?.permissions)),
  };
}
