import { problems, type FieldIssue } from '../http/problem.js';
import { BUILT_IN_ROLES, isPermission } from '../domain/permissions.js';

/** Pure checks on identity input. Each returns the problem in words, or null when the value is fine. */

/** 3 to 40 characters; no `_`, so a slug never looks like an id (`org_…`). */
export const ORG_SLUG = /^[a-z0-9](?:[a-z0-9-]{1,38}[a-z0-9])$/;
const EMAIL = /^[a-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/;
const ROLE_NAME = /^[a-z0-9][a-z0-9_.-]{0,63}$/;
const CONTROL = /[\u0000-\u001f\u007f]/;
const MAX_PERMISSIONS = 200;

/** An organization slug's problem, or null. */
export function slugProblem(slug: unknown): string | null {
  if (typeof slug !== 'string' || !ORG_SLUG.test(slug))
    return 'must be 3 to 40 lower-case letters, digits or "-", starting and ending with a letter or digit';
  return null;
}

/** Emails are compared lower-cased and trimmed. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** A (normalised) email's problem, or null: a pragmatic subset of RFC 5321 addresses. */
export function emailProblem(normalized: unknown): string | null {
  if (typeof normalized !== 'string' || normalized.length > 254 || !EMAIL.test(normalized))
    return 'must be an email address such as ada@example.com';
  return null;
}

/** A display name's problem (organization, user, resource names, role descriptions), or null. */
export function displayNameProblem(name: unknown): string | null {
  if (typeof name !== 'string') return 'must be a string';
  const trimmed = name.trim();
  if (trimmed.length < 1 || trimmed.length > 200) return 'must be 1 to 200 characters';
  if (CONTROL.test(trimmed)) return 'must not contain control characters';
  return null;
}

/** A custom role name's problem, or null; the built-in names are refused. */
export function roleNameProblem(name: unknown): string | null {
  if (typeof name !== 'string' || !ROLE_NAME.test(name))
    return 'must be 1 to 64 lower-case letters, digits, "_", "." or "-", starting with a letter or digit';
  if (Object.hasOwn(BUILT_IN_ROLES, name)) return `"${name}" is a built-in role`;
  // `BUILT_IN_ROLES[name]` must never find an Object.prototype member
  if (name in BUILT_IN_ROLES) return `"${name}" is a reserved name`;
  return null;
}

/**
 * A resource identifier is a token audience (RFC 8707 resource indicator): an absolute URI
 * without a fragment; http(s) ones need a host.
 */
export function identifierProblem(identifier: unknown): string | null {
  const form = 'must be an absolute URI without a fragment, e.g. https://api.example.com';
  if (typeof identifier !== 'string' || identifier.length > 2048 || /\s/.test(identifier)) return form;
  if (!/^[a-z][a-z0-9+.-]*:/i.test(identifier) || identifier.includes('#')) return form;
  let url: URL;
  try {
    url = new URL(identifier);
  } catch {
    return form;
  }
  if ((url.protocol === 'http:' || url.protocol === 'https:') && !url.hostname) return form;
  return null;
}

/** Problems of a permission list (shape only; vocabulary membership is checked by the services). */
export function permissionListProblems(field: string, permissions: unknown): FieldIssue[] {
  if (!Array.isArray(permissions)) return [{ field, message: 'must be a list of "resource:action" strings' }];
  if (permissions.length > MAX_PERMISSIONS) return [{ field, message: `must hold at most ${MAX_PERMISSIONS} permissions` }];
  const issues: FieldIssue[] = [];
  permissions.forEach((p, i) => {
    if (typeof p !== 'string' || !isPermission(p))
      issues.push({ field: `${field}[${i}]`, message: `${JSON.stringify(p)} is not a "resource:action" permission (lower-case)` });
  });
  return issues;
}

/** Collects field problems and throws one 400 naming them all. */
export class Checks {
  private readonly issues: FieldIssue[] = [];

  add(field: string, problem: string | null): this {
    if (problem) this.issues.push({ field, message: problem });
    return this;
  }

  addAll(issues: FieldIssue[]): this {
    this.issues.push(...issues);
    return this;
  }

  /** @throws HttpProblem 400 validation_failed when any check failed */
  done(): void {
    if (this.issues.length) throw problems.validation(this.issues);
  }
}

/** Without duplicates, in first-seen order: permission and role lists are sets. */
export function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}
