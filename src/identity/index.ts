import type { Config } from '../config/schema.js';
import type { Store } from '../store/ports.js';
import { createOrganizations, type Organizations } from './organizations.js';
import { createPasswords, type Passwords } from './passwords.js';
import { createPermissionService, type PermissionService } from './permissions.js';
import { createResources, type Resources } from './resources.js';
import { createRoles, type Roles } from './roles.js';
import { createUsers, type Users } from './users.js';

/**
 * The identity services: organizations, users and memberships, custom roles, registered
 * resources, and the permissions they add up to. The management API and the CLI both call these;
 * bad input, conflicts and missing things are thrown as `HttpProblem`s.
 */
export interface Identity {
  passwords: Passwords;
  organizations: Organizations;
  users: Users;
  roles: Roles;
  permissions: PermissionService;
  resources: Resources;
}

/** Builds the identity services over a store; `gatehouse.identity` is made here. */
export function createIdentity({ store, config }: { store: Store; config: Config }): Identity {
  const passwords = createPasswords();
  const permissions = createPermissionService(store);
  const roles = createRoles(store, permissions);
  return {
    passwords,
    organizations: createOrganizations(store, config),
    users: createUsers(store, passwords, roles),
    roles,
    permissions,
    resources: createResources(store, config),
  };
}

export type { Organizations, Plan, CreateOrganizationInput } from './organizations.js';
export type { Users, CreateUserInput, PublicUser, Member } from './users.js';
export type { Roles, CreateRoleInput } from './roles.js';
export type { Resources, CreateResourceInput, ResolvedResource } from './resources.js';
export type { PermissionService } from './permissions.js';
export type { Passwords } from './passwords.js';
export { publicUser } from './users.js';
