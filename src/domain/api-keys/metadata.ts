/**
 * A key's `metadata` (SPEC §4): a flat JSON object the key's owner attaches (a customer id, a
 * tier) and resource servers read on every verified request. Not a secret, but returned to every
 * service that checks the key, so it is kept small and flat.
 */
export type KeyMetadata = Record<string, string | number | boolean>;

/** The bounds, stated once: the API's 400s and the README quote them. */
export const METADATA_LIMITS = { maxKeys: 20, maxKeyLength: 40, maxStringLength: 500, maxBytes: 4096 } as const;

// no "." nor "$": MongoDB reads those in field names as paths and operators
const KEY_SHAPE = /^[A-Za-z0-9_:-]+$/;

export interface MetadataIssue { field: string; message: string }

/**
 * Checks `input` against the bounds: a plain object of at most 20 entries, keys of 1–40
 * characters from `A–Z a–z 0–9 _ : -`, values that are strings (≤ 500 characters), finite
 * numbers or booleans, and at most 4096 bytes as JSON (UTF-8). @returns the issues, each naming
 * the offending field (`metadata.<key>`); empty when valid
 */
export function metadataIssues(input: unknown): MetadataIssue[] {
  if (typeof input !== 'object' || input === null || Array.isArray(input) || Object.getPrototypeOf(input) !== Object.prototype)
    return [{ field: 'metadata', message: 'must be a JSON object' }];
  const entries = Object.entries(input);
  const { maxKeys, maxKeyLength, maxStringLength, maxBytes } = METADATA_LIMITS;
  if (entries.length > maxKeys) return [{ field: 'metadata', message: `must have at most ${maxKeys} keys` }];
  const issues: MetadataIssue[] = [];
  for (const [key, value] of entries) {
    const field = `metadata.${key.slice(0, maxKeyLength)}`;
    if (key.length > maxKeyLength || !KEY_SHAPE.test(key) || key === '__proto__') {
      issues.push({ field, message: `keys must be 1-${maxKeyLength} characters of A-Z, a-z, 0-9, "_", ":" or "-"` });
    } else if (typeof value === 'string') {
      if (value.length > maxStringLength) issues.push({ field, message: `must be at most ${maxStringLength} characters` });
    } else if (typeof value === 'number') {
      if (!Number.isFinite(value)) issues.push({ field, message: 'must be a finite number' });
    } else if (typeof value !== 'boolean') {
      issues.push({ field, message: 'must be a string, a number or a boolean (metadata is flat)' });
    }
  }
  if (issues.length === 0 && Buffer.byteLength(JSON.stringify(input)) > maxBytes)
    issues.push({ field: 'metadata', message: `must be at most ${maxBytes} bytes as JSON` });
  return issues;
}

/** The keys whose values differ between two metadata objects (added, removed or changed), sorted. */
export function changedMetadataKeys(before: KeyMetadata, after: KeyMetadata): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  const valueOf = (m: KeyMetadata, k: string) => (Object.hasOwn(m, k) ? m[k] : undefined);
  return [...keys].filter((k) => valueOf(before, k) !== valueOf(after, k)).sort();
}
