import { normalizeCidr, MAX_ALLOWLIST_ENTRIES } from '../domain/api-keys/ip-allowlist.js';
import { metadataIssues, type KeyMetadata } from '../domain/api-keys/metadata.js';
import { keyStatus } from '../domain/api-keys/status.js';
import { displayNameProblem } from '../identity/validation.js';
import { problems, type FieldIssue } from '../http/problem.js';
import type { ApiKeyRecord, KeyEnvironment } from '../store/ports.js';
import type { Caller } from '../audit/actor.js';
import { assertGrantableIn, assertHolds, assertReachesEnvironment } from '../identity/authority.js';
import type { PermissionService } from '../identity/permissions.js';

/**
 * The rules that keep API keys from widening anyone's power (SPEC §2a, §4): a caller grants only
 * permissions it holds, a test key mints and touches only test keys, and a key holding a
 * permission the caller lacks can be neither changed, weakened, rotated nor revoked by it.
 */

export { assertInScope } from '../identity/authority.js';

/** Refuses permissions the caller lacks (403) and an environment it may not reach (403). */
export function assertGrantable(caller: Caller, permissions: readonly string[], environment?: KeyEnvironment): void {
  assertHolds(caller, permissions, 'You cannot give an API key');
  if (environment) assertReachesEnvironment(caller, environment);
}

/**
 * Refuses acting on an existing key stronger than the caller: one of the live environment when
 * the caller is a test key, or holding a permission the caller lacks. Changing, narrowing,
 * lifting its IP allowlist or rate limit, changing its metadata, disabling or re-enabling it,
 * rotating and revoking all count: each either takes control of the key or weakens it.
 */
export function assertControls(caller: Caller, key: Pick<ApiKeyRecord, 'permissions' | 'environment'>): void {
  assertReachesEnvironment(caller, key.environment);
  assertHolds(caller, key.permissions, 'You cannot act on an API key that holds');
}

/** A key's name: what it is for, shown in listings. @returns the trimmed name, or 400 naming the problem */
export function assertKeyName(name: string): string {
  const problem = displayNameProblem(name);
  if (problem) throw problems.validation([{ field: 'name', message: problem }]);
  return name.trim();
}

/** Validates a key's metadata against its bounds (400 naming each bad entry). @returns a copy */
export function assertMetadata(metadata: unknown): KeyMetadata {
  const issues = metadataIssues(metadata);
  if (issues.length) throw problems.validation(issues);
  return { ...(metadata as KeyMetadata) };
}

/**
 * 409 `key_not_active` unless the key may still be changed: a revoked or expired key never comes
 * back (not even by re-enabling it); a disabled one may be changed and re-enabled.
 */
export function assertChangeable(record: ApiKeyRecord, now: Date): void {
  const status = keyStatus(record, now);
  if (status === 'revoked' || status === 'expired')
    throw problems.conflict('key_not_active', `This key is ${status}: it can no longer be changed or re-enabled.`);
}

/** Validates and canonicalises an IP allowlist (400 naming the bad entries). */
export function normalizeAllowlist(entries: readonly string[]): string[] {
  if (entries.length > MAX_ALLOWLIST_ENTRIES)
    throw problems.validation([{ field: 'ip_allowlist', message: `at most ${MAX_ALLOWLIST_ENTRIES} entries` }]);
  const issues: FieldIssue[] = [];
  const out = new Set<string>();
  entries.forEach((entry, i) => {
    const result = normalizeCidr(entry);
    if (result.ok) out.add(result.cidr);
    else issues.push({ field: `ip_allowlist[${i}]`, message: result.message });
  });
  if (issues.length) throw problems.validation(issues);
  return [...out];
}

/** {@link assertGrantableIn} of the identity rules, plus the environment a key is minted in. */
export async function assertKeyGrantableIn(
  caller: Caller, permissions: Pick<PermissionService, 'outsideVocabulary'>, organizationId: string | null,
  wanted: readonly string[], environment?: KeyEnvironment,
): Promise<void> {
  await assertGrantableIn(caller, permissions, organizationId, wanted, 'You cannot give an API key');
  if (environment) assertReachesEnvironment(caller, environment);
}
