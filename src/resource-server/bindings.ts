import type { Resource } from '../store/ports.js';
import type { MaybePromise } from './maybe-async.js';

/**
 * What a client bound to `resources` may learn of a credential of `organizationId` holding
 * `held`: the held permissions those resources declare. A platform resource reaches every
 * organization; an organization's own resource only that organization (organizations' APIs may
 * share nouns, so the same string elsewhere is another API's). With `audiences` (an access
 * token's `aud`), only resources the token was issued for count. Empty: the client learns nothing.
 */
export function visiblePermissions(held: readonly string[], organizationId: string, resources: readonly Resource[], audiences?: readonly string[]): string[] {
  const declared = new Set<string>();
  for (const r of resources) {
    if (r.organizationId !== null && r.organizationId !== organizationId) continue;
    if (audiences && !audiences.includes(r.identifier)) continue;
    for (const p of r.permissions) declared.add(p);
  }
  return held.filter((p) => declared.has(p));
}

/** Whether a binding to `resources` reaches the organization at all (a platform resource reaches every one). */
export function reachesOrganization(resources: readonly Resource[], organizationId: string): boolean {
  return resources.some((r) => r.organizationId === null || r.organizationId === organizationId);
}

export interface BoundResourcesOptions {
  load(clientId: string): Promise<Resource[]>;
  /** how long a client's bindings are reused (default 1000 ms): an unbinding takes effect within this */
  ttlMs?: number;
  maxEntries?: number;
  now?: () => number;
}

/**
 * The resources each client is bound to, cached for `ttlMs` (one store read per client per
 * second at most, concurrent misses share it). Synchronous on a hit.
 */
export function boundResources(options: BoundResourcesOptions): (clientId: string) => MaybePromise<readonly Resource[]> {
  const ttlMs = options.ttlMs ?? 1000;
  const maxEntries = options.maxEntries ?? 1000;
  const now = options.now ?? Date.now;
  const entries = new Map<string, { value: MaybePromise<readonly Resource[]>; expires: number }>();
  return (clientId) => {
    const hit = entries.get(clientId);
    if (hit && hit.expires > now()) return hit.value;
    const loading = options.load(clientId);
    const entry = { value: loading as MaybePromise<readonly Resource[]>, expires: now() + ttlMs };
    entries.delete(clientId);
    if (entries.size >= maxEntries) entries.delete(entries.keys().next().value!);
    entries.set(clientId, entry);
    loading.then((resources) => { entry.value = resources; }, () => { if (entries.get(clientId) === entry) entries.delete(clientId); });
    return loading;
  };
}

