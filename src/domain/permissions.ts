/** The management API's permission vocabulary (SPEC §3); `idp`: the organization's identity-provider links (SCIM tokens). */
export const MANAGEMENT_NOUNS = ['organizations', 'users', 'roles', 'clients', 'resources', 'api_keys', 'webhooks', 'idp'] as const;

export const MANAGEMENT_PERMISSIONS: readonly string[] = [
  ...MANAGEMENT_NOUNS.flatMap((noun) => [`${noun}:read`, `${noun}:write`]),
  'audit:read',
];

/**
 * The built-in roles, as what each holds of an organization's vocabulary (SPEC §2a): `admin`
 * all of it, `member` its `:read` permissions. Computed from the vocabulary at every use, so a
 * permission added to an API is the admins' at once.
 */
export const BUILT_IN_ROLES: Readonly<Record<string, (vocabulary: readonly string[]) => readonly string[]>> = {
  admin: (vocabulary) => vocabulary,
  member: (vocabulary) => vocabulary.filter((p) => p.endsWith(':read')),
};

/** The form of a permission: `resource:action`, lower-case. */
export const PERMISSION_FORM = /^[a-z0-9][a-z0-9_.-]{0,63}:[a-z0-9*][a-z0-9_.*-]{0,63}$/;

/** `resource:action`, lower-case; an action of `*` stands for every action of that resource. */
export function isPermission(value: string): boolean {
  return PERMISSION_FORM.test(value);
}

/** The noun of a permission: `pipelines` of `pipelines:run`. */
export const nounOf = (permission: string): string => permission.slice(0, permission.indexOf(':'));

/** Whether `held` grants `wanted` (exact, or `noun:*` for any action of the noun). */
export function grants(held: readonly string[], wanted: string): boolean {
  if (held.includes(wanted)) return true;
  return held.includes(`${nounOf(wanted)}:*`);
}

export function grantsAll(held: readonly string[], wanted: readonly string[]): boolean {
  return wanted.every((p) => grants(held, p));
}

/** The permissions of `wanted` that `held` does not grant. */
export function missing(held: readonly string[], wanted: readonly string[]): string[] {
  return wanted.filter((p) => !grants(held, p));
}

/** Whether every permission is a safe (read-only) one. */
export function isReadOnly(permissions: readonly string[]): boolean {
  return permissions.length > 0 && permissions.every((p) => p.endsWith(':read'));
}

/** Permissions of a set of roles, given custom roles by name and the organization's vocabulary (for the built-in ones). */
export function permissionsOfRoles(roles: readonly string[], custom: ReadonlyMap<string, readonly string[]>, vocabulary: readonly string[]): string[] {
  const out = new Set<string>();
  for (const role of roles) {
    const held = Object.hasOwn(BUILT_IN_ROLES, role) ? BUILT_IN_ROLES[role](vocabulary) : custom.get(role);
    for (const p of held ?? []) out.add(p);
  }
  return [...out];
}
