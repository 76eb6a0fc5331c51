import type { Caller } from '../audit/actor.js';
import { missing } from '../domain/permissions.js';
import { problems } from '../http/problem.js';
import type { KeyEnvironment, Organization, Store } from '../store/ports.js';
import type { PermissionService } from './permissions.js';
import { permissionListProblems } from './validation.js';

/**
 * The authorization invariants (SPEC §2a) as the checks every mutating service runs, whoever
 * calls it (API, CLI, console): a caller acts only in its own organization, never brings into
 * being nor takes control of anything holding a permission it lacks, never weakens anything
 * stronger than itself, and a test credential acts on test keys only. The CLI operator passes
 * every check.
 */

/** 404 unless the caller may act on `organizationId` (null = the server scope), so another organization's existence is not disclosed. */
export function assertInScope(caller: Caller, organizationId: string | null): void {
  const p = caller.principal;
  if (p === 'operator' || p.organization === null) return;
  if (organizationId === null || p.organization !== organizationId) throw problems.notFound('organization');
}

/** The permissions of `wanted` the caller does not hold (none for the operator). */
export function lacking(caller: Caller, wanted: readonly string[]): string[] {
  return caller.principal === 'operator' ? [] : missing(caller.principal.permissions, wanted);
}

/**
 * 403 `permission_escalation` unless the caller holds every permission of `wanted`. `doing` opens
 * the sentence: "You cannot change a key that holds" + " permissions you lack: a, b."
 */
export function assertHolds(caller: Caller, wanted: readonly string[], doing: string): void {
  const lack = lacking(caller, wanted);
  if (lack.length) {
    throw problems.forbidden('permission_escalation', `${doing} permissions you lack: ${lack.join(', ')}.`, { permissions: lack });
  }
}

/** Whether the caller is a test credential (an API key of the `test` environment). */
export function isTestCaller(caller: Caller): boolean {
  const p = caller.principal;
  return p !== 'operator' && p.type === 'api_key' && p.environment === 'test';
}

/**
 * 403 `environment_escalation` when a test credential would act on something of the live
 * environment. Keys have an environment; everything else (members, roles, clients, resources,
 * invitations) serves live traffic, so it is `live` here.
 */
export function assertReachesEnvironment(caller: Caller, environment: KeyEnvironment = 'live'): void {
  if (environment === 'live' && isTestCaller(caller)) {
    throw problems.forbidden('environment_escalation', 'A test credential acts on test keys only.');
  }
}

/**
 * Loads what the caller is about to change, revoke or delete, once the caller may act on it: in
 * its scope (404 otherwise), live (a test credential reaches only test keys), and holding every
 * permission the thing holds (403). @returns the loaded thing
 */
export async function loadControlled<T>(caller: Caller, organizationId: string | null, load: () => Promise<T>,
  held: (item: T) => readonly string[] | Promise<readonly string[]>, doing: string): Promise<T> {
  assertInScope(caller, organizationId);
  assertReachesEnvironment(caller);
  const item = await load();
  assertHolds(caller, await held(item), doing);
  return item;
}

/**
 * The whole check for permissions about to be granted (to a key, a role, a client, an
 * invitation's roles): well-formed (400), in the organization's vocabulary (400, naming each),
 * held by the caller (403).
 */
export async function assertGrantableIn(
  caller: Caller, permissions: Pick<PermissionService, 'outsideVocabulary'>, organizationId: string | null,
  wanted: readonly string[], doing: string,
): Promise<void> {
  const field = 'permissions';
  const shape = permissionListProblems(field, wanted);
  if (shape.length) throw problems.validation(shape);
  const outside = await permissions.outsideVocabulary(organizationId, wanted);
  if (outside.length) {
    throw problems.validation(outside.map((p) => ({
      field: `${field}[${wanted.indexOf(p)}]`, message: `"${p.slice(0, 80)}" is not a permission of this organization` })));
  }
  assertHolds(caller, wanted, doing);
}

/**
 * The check for a decision that applies to every member of an organization, admins included (how
 * they sign in, what happens to their leaked keys): a live credential in scope holding every
 * permission any enabled member holds (403 `permission_escalation`; nobody weakens, or decides
 * for, someone stronger). `doing` opens the refusal's detail.
 * @returns the organization. @throws HttpProblem 403, 404
 */
export async function assertMayDecideForMembers(caller: Caller, organizationId: string,
  deps: { store: Pick<Store, 'organizations'>; permissions: Pick<PermissionService, 'heldByMembers'> }, doing: string): Promise<Organization> {
  assertInScope(caller, organizationId);
  assertReachesEnvironment(caller);
  const org = await deps.store.organizations.findById(organizationId);
  if (!org) throw problems.notFound('organization');
  assertHolds(caller, await deps.permissions.heldByMembers(organizationId), doing);
  return org;
}

/** {@link assertMayDecideForMembers} for how members sign in (a second factor required, single sign-on). */
export const assertMayDecideSignIn = (caller: Caller, organizationId: string,
  deps: { store: Pick<Store, 'organizations'>; permissions: Pick<PermissionService, 'heldByMembers'> }): Promise<Organization> =>
  assertMayDecideForMembers(caller, organizationId, deps, 'You cannot change how members sign in when they hold');
