import type { ApiKeyRecord } from '../store/ports.js';

/**
 * The keys that belong to `owner` (a `createdBy` value such as `user:<id>`): the keys it created,
 * the keys those keys created, and so on. A person who leaves takes the keys minted through
 * their keys with them, or one `api_keys:write` key would outlive its owner's departure.
 */
export function keysOwnedBy(owner: string, keys: readonly ApiKeyRecord[]): ApiKeyRecord[] {
  const owners = new Set([owner]);
  const owned: ApiKeyRecord[] = [];
  let grew = true;
  while (grew) {
    grew = false;
    for (const key of keys) {
      if (owners.has(`api_key:${key.id}`) || !owners.has(key.createdBy)) continue;
      owners.add(`api_key:${key.id}`);
      owned.push(key);
      grew = true;
    }
  }
  return owned;
}
