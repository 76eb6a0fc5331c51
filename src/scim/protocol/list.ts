import { scimErrors } from './errors.js';
import { URN } from './urns.js';

/** The most resources one list answer carries (ServiceProviderConfig `filter.maxResults`). */
export const MAX_RESULTS = 200;

/** `startIndex` (1-based) and `count` of a list request (RFC 7644 §3.4.2.4). */
export interface Paging { startIndex: number; count: number }

function integer(value: unknown, name: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string' || !/^-?\d{1,9}$/.test(value)) throw scimErrors.invalidValue(`${name} must be an integer.`);
  return Number(value);
}

/** Paging as the RFC reads it: a startIndex below 1 is 1; a negative count is 0; count is at most {@link MAX_RESULTS}. */
export function pagingOf(query: { startIndex?: unknown; count?: unknown }): Paging {
  const startIndex = Math.max(1, integer(query.startIndex, 'startIndex') ?? 1);
  const count = Math.min(MAX_RESULTS, Math.max(0, integer(query.count, 'count') ?? MAX_RESULTS));
  return { startIndex, count };
}

/** The items of one page of a whole (sorted) list. */
export const pageOfList = <T>(items: readonly T[], paging: Paging): T[] => items.slice(paging.startIndex - 1, paging.startIndex - 1 + paging.count);

/** A ListResponse (RFC 7644 §3.4.2). */
export function listResponse(resources: unknown[], totalResults: number, startIndex: number) {
  return { schemas: [URN.listResponse], totalResults, startIndex, itemsPerPage: resources.length, Resources: resources };
}
