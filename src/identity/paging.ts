import type { PageRequest } from '../store/ports.js';
import { problems } from '../http/problem.js';

/** Page size when a caller names none, and the largest a store serves. */
export const DEFAULT_PAGE_LIMIT = 50;
export const MAX_PAGE_LIMIT = 200;

/** A page request the stores accept: `limit` 1..200 (default 50), `cursor` a non-empty id or null. */
export function pageRequest(page: Partial<PageRequest> = {}): PageRequest {
  const limit = page.limit ?? DEFAULT_PAGE_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_LIMIT)
    throw problems.validation([{ field: 'limit', message: `must be an integer from 1 to ${MAX_PAGE_LIMIT}` }]);
  const cursor = page.cursor || null;
  if (cursor !== null && (typeof cursor !== 'string' || cursor.length > 100))
    throw problems.validation([{ field: 'cursor', message: 'must be the next_cursor of a previous page' }]);
  return { limit, cursor };
}

/** Every item of a paged listing (admin-sized sets: an organization's roles, resources, members). */
export async function collectAll<T>(list: (page: PageRequest) => Promise<{ items: T[]; nextCursor: string | null }>): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | null = null;
  do {
    const page = await list({ limit: MAX_PAGE_LIMIT, cursor });
    out.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}
