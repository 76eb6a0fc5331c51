import { MANAGEMENT_PERMISSIONS, nounOf } from '../domain/permissions.js';
import { problems, type FieldIssue } from '../http/problem.js';
import type { Resource, Store } from '../store/ports.js';
import { collectAll } from './paging.js';

/**
 * Who may name a permission `noun:action`. The management API owns its nouns (`users`, …); a
 * platform resource owns its nouns in every organization: no organization's own API may declare
 * an action of them, and a platform API may not take a noun an organization's API already
 * uses. Otherwise `pipelines:run` could mean two APIs in one organization, and since an API key
 * names no audience, an organization could grant through its own API what its plan withholds
 * from the platform's. Organizations' APIs may share nouns among themselves (each organization
 * sees only its own).
 */

const MANAGEMENT_NOUNS = new Set(MANAGEMENT_PERMISSIONS.map(nounOf));

/** Permissions that use a management noun, as field problems. */
export function reservedNounIssues(permissions: readonly string[]): FieldIssue[] {
  return permissions.filter((p) => MANAGEMENT_NOUNS.has(nounOf(p)))
    .map((p) => ({ field: 'permissions', message: `"${p}" uses a noun reserved for the management API` }));
}

/** The first resource on the other side of the line that uses a noun of `declared`, if any. */
async function nounClash(store: Store, organizationId: string | null, declared: readonly string[]): Promise<{ noun: string; owner: Resource } | null> {
  const nouns = [...new Set(declared.map(nounOf))];
  const candidates = organizationId === null
    ? await store.resources.organizationResourcesDeclaring(nouns, 1)
    : await collectAll((page) => store.resources.list(null, page));
  for (const owner of candidates) {
    const noun = nouns.find((n) => owner.permissions.some((p) => nounOf(p) === n));
    if (noun) return { noun, owner };
  }
  return null;
}

/** 409 `permission_conflict` when a noun of `declared` belongs to the other side (see above). */
export async function assertNounsFree(store: Store, organizationId: string | null, declared: readonly string[]): Promise<void> {
  const clash = await nounClash(store, organizationId, declared);
  if (!clash) return;
  const detail = organizationId === null
    ? `"${clash.noun}" is used by an organization's own API (${clash.owner.identifier}); a platform API's nouns must be its own.`
    : `"${clash.noun}" belongs to the platform API ${clash.owner.identifier}; an organization's API cannot declare its actions.`;
  throw problems.conflict('permission_conflict', detail);
}

/**
 * Runs a resource write whose nouns were checked free, then checks again: of a platform and an
 * organization resource declaring one noun at the same moment, neither may stand with the
 * other, so a write that finds a clash afterwards is undone and answered 409 (both may be).
 */
export async function writeWithFreeNouns<T>(store: Store, organizationId: string | null, declared: readonly string[],
  write: () => Promise<T>, undo: () => Promise<unknown>): Promise<T> {
  await assertNounsFree(store, organizationId, declared);
  const result = await write();
  try {
    await assertNounsFree(store, organizationId, declared);
  } catch (err) {
    await undo();
    throw err;
  }
  return result;
}
