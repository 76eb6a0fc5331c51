import { normalizeCidr, MAX_ALLOWLIST_ENTRIES } from '../domain/api-keys/ip-allowlist.js';
import { missing } from '../domain/permissions.js';
import { problems, type FieldIssue } from '../http/problem.js';
import type { KeyEnvironment } from '../store/ports.js';
import type { Caller } from '../audit/actor.js';
import type { PermissionService } from '../identity/permissions.js';
import { permissionListProblems } from '../identity/validation.js';

/**
 * The rules that keep API keys from widening anyone's power: a caller acts only inside its own
 * organization (server-scoped callers anywhere), grants only permissions it holds, and a test key
 * mints only test keys.
 */

/** Whether the caller may act on `organizationId` (null = the server scope). 404 otherwise, so
 * another organization's existence is not disclosed. */
export function assertInScope(caller: Caller, organizationId: string | null): void {
  const p = caller.principal;
  if (p === 'operator' || p.organization === null) return;
  if (organizationId === null || p.organization !== organizationId) throw problems.notFound('organization');
}

/** Refuses permissions the caller lacks (403) and an environment it may not mint (403). */
export function assertGrantable(caller: Caller, permissions: readonly string[], environment?: KeyEnvironment): void {
  const p = caller.principal;
  if (p === 'operator') return;
  const lacking = missing(p.permissions, permissions);
  if (lacking.length) {
    throw problems.forbidden('permission_escalation',
      `A key cannot be given permissions its creator lacks: ${lacking.join(', ')}.`, { permissions: lacking });
  }
  if (environment === 'live' && p.type === 'api_key' && p.environment === 'test') {
    throw problems.forbidden('environment_escalation', 'A test key can only create test keys.');
  }
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

/**
 * The whole check for permissions someone is about to grant (to a key, a role or a client):
 * well-formed (400), in the organization's vocabulary (400, naming each), held by the caller (403).
 */
export async function assertGrantableIn(
  caller: Caller, permissions: Pick<PermissionService, 'outsideVocabulary'>, organizationId: string | null,
  wanted: readonly string[], environment?: KeyEnvironment,
): Promise<void> {
  const field = 'permissions';
  const shape = permissionListProblems(field, wanted);
  if (shape.length) throw problems.validation(shape);
  const outside = await permissions.outsideVocabulary(organizationId, wanted);
  if (outside.length) {
    throw problems.validation(outside.map((p) => ({
      field: `${field}[${wanted.indexOf(p)}]`, message: `"${p.slice(0, 80)}" is not a permission of this organization` })));
  }
  assertGrantable(caller, wanted, environment);
}
