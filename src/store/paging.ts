import type { Page, PageRequest } from './ports.js';

/** Page size within the ports' 1..200. */
export function pageLimit(page: PageRequest): number {
  return Math.min(200, Math.max(1, Math.floor(page.limit) || 1));
}

/**
 * Turns `limit + 1` rows fetched newest first into a page: the extra row only tells that more
 * follow, so `nextCursor` is null exactly on the last page.
 */
export function toPage<R, T>(rows: R[], limit: number, map: (row: R) => T, idOf: (item: T) => string): Page<T> {
  const items = rows.slice(0, limit).map(map);
  const more = rows.length > limit;
  return { items, nextCursor: more && items.length ? idOf(items[items.length - 1]) : null };
}

/** Keeps only the keys a patch really sets (`undefined` means "leave as it is"). */
export function definedPatch<T extends object>(patch: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(patch)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}
