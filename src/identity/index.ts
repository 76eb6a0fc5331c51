import type { AuditLog } from '../audit/audit-log.js';
import type { Config } from '../config/schema.js';
import type { Events } from '../events/emitter.js';
import type { Mailer } from '../mail/mailer.js';
import type { Store } from '../store/ports.js';
import { createInvitations, type Invitations } from './invitations.js';
import { createMembers, type Members } from './members.js';
import { createOrganizations, type Organizations } from './organizations.js';
import { createPasswords, type Passwords } from './passwords.js';
import { createPermissionRemoval, type PermissionRemoval } from './permission-removal.js';
import { createPermissionService, type PermissionService } from './permissions.js';
import { createResources, type Resources } from './resources.js';
import { createResourceBindings, type ResourceBindings } from './resource-bindings.js';
import { createRoles, type Roles } from './roles.js';
import { createUsers, type Users } from './users.js';

/**
 * The identity services: organizations, users and their memberships, custom roles, registered
 * resources (platform and organizations' own), and the permissions they add up to. The management API and the CLI both call these;
 * every mutation takes its caller and enforces the authorization invariants (`authority.ts`); bad
 * input, refusals, conflicts and missing things are thrown as `HttpProblem`s.
 */
export interface Identity {
  passwords: Passwords;
  organizations: Organizations;
  users: Users;
  members: Members;
  invitations: Invitations;
  roles: Roles;
  permissions: PermissionService;
  /** takes out of roles, keys and clients what leaves a vocabulary; `onApiKeysChanged` for caches */
  permissionRemoval: PermissionRemoval;
  resources: Resources;
  /** clients bound to resources as their resource servers */
  resourceBindings: ResourceBindings;
}

/** Builds the identity services over a store; `gatehouse.identity` is made here. */
export function createIdentity({ store, config, mailer, events, audit }: { store: Store; config: Config; mailer: Mailer; events: Events; audit: AuditLog }): Identity {
  const passwords = createPasswords();
  const permissions = createPermissionService(store, config);
  const permissionRemoval = createPermissionRemoval({ store, config, permissions, audit });
  const roles = createRoles(store, permissions, permissionRemoval);
  const members = createMembers(store, permissions, roles, events);
  const users = createUsers(store, passwords, roles, members);
  const resources = createResources({ store, config, permissions, removal: permissionRemoval });
  return {
    passwords,
    organizations: createOrganizations(store, config, permissionRemoval, permissions),
    users,
    members,
    invitations: createInvitations({ store, config, permissions, roles, users, members, mailer, events }),
    roles,
    permissions,
    permissionRemoval,
    resources,
    resourceBindings: createResourceBindings(store, resources),
  };
}

export type { Organizations, Plan, CreateOrganizationInput } from './organizations.js';
export type { Users, CreateUserInput, PublicUser } from './users.js';
export type { Members, Member, MemberPatch, Departure } from './members.js';
export type { Invitations, InvitationStatus, OpenInvitation, AcceptOutcome, Acceptance } from './invitations.js';
export type { Roles, CreateRoleInput } from './roles.js';
export type { Resources, CreateResourceInput, ResolvedResource } from './resources.js';
export type { PermissionService, ResourceChange } from './permissions.js';
export type { PermissionRemoval, RemovalReason } from './permission-removal.js';
export type { Passwords } from './passwords.js';
export { publicUser } from './users.js';
