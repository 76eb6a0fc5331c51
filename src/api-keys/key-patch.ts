import type { KeyMetadata } from '../domain/api-keys/metadata.js';
import { keyStatus } from '../domain/api-keys/status.js';
import type { ApiKeyRecord, RateLimitPolicy } from '../store/ports.js';
import { definedPatch } from '../store/paging.js';
import { apiKeyToJson } from './serialize.js';
import { assertKeyName, assertMetadata, normalizeAllowlist } from './rules.js';

/** What a PATCH may change on a key (permissions are checked by the service before this). */
export interface KeyChanges {
  name?: string;
  permissions?: string[];
  ipAllowlist?: string[];
  rateLimit?: RateLimitPolicy | null;
  /** replaces the whole object */
  metadata?: KeyMetadata;
  /** false disables the key (refused at verification), true re-enables it */
  enabled?: boolean;
}

/** The API's name of each changeable field, as events and the audit log name them. */
const API_FIELD: Record<keyof KeyChanges, string> = {
  name: 'name', permissions: 'permissions', ipAllowlist: 'ip_allowlist', rateLimit: 'rate_limit', metadata: 'metadata', enabled: 'enabled',
};

/** A validated patch, and what it changes as `api_key.updated` reports it. */
export interface KeyPatch {
  patch: Partial<ApiKeyRecord>;
  next: ApiKeyRecord;
  /** the fields the request set (API names) */
  fields: string[];
  /** the previous value (API form) of each field whose value changed */
  previous: Record<string, unknown>;
}

/**
 * Validates `changes` (400 naming the field) and builds the patch at `now`. Disabling stamps
 * `disabledAt` once (disabling a disabled key keeps its first time); enabling clears it.
 */
export function keyPatch(current: ApiKeyRecord, changes: KeyChanges, now: Date): KeyPatch {
  const patch: Partial<ApiKeyRecord> = { updatedAt: now };
  if (changes.name !== undefined) patch.name = assertKeyName(changes.name);
  if (changes.permissions) patch.permissions = [...new Set(changes.permissions)];
  if (changes.ipAllowlist) patch.ipAllowlist = normalizeAllowlist(changes.ipAllowlist);
  if (changes.rateLimit !== undefined) patch.rateLimit = changes.rateLimit;
  if (changes.metadata !== undefined) patch.metadata = assertMetadata(changes.metadata);
  if (changes.enabled !== undefined) patch.disabledAt = changes.enabled ? null : current.disabledAt ?? now;
  const next = { ...current, ...definedPatch(patch) };
  const fields = (Object.keys(API_FIELD) as Array<keyof KeyChanges>).filter((k) => changes[k] !== undefined).map((k) => API_FIELD[k]);
  const before = apiKeyToJson(current, keyStatus(current, now), null) as Record<string, unknown>;
  const after = apiKeyToJson(next, keyStatus(next, now), null) as Record<string, unknown>;
  const previous = Object.fromEntries(fields.filter((f) => JSON.stringify(before[f]) !== JSON.stringify(after[f])).map((f) => [f, before[f]]));
  return { patch, next, fields, previous };
}
