import { z } from 'zod';
import { DURATION_FORM, parseDuration } from '../../domain/durations.js';

/** `?limit=1..100&cursor=…` on every listing. */
export const listQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20)
    .describe('page size, 1 to 100'),
  cursor: z.string().min(1).max(100).optional().describe('the next_cursor of the previous page'),
});

export const permissionList = z.array(z.string().max(130)).max(200)
  .describe('permissions, `resource:action` (e.g. `invoices:read`); `resource:*` grants every action');

/** `"90d"`, `"24h"`, `"30m"`, `"45s"` or a number of seconds. */
export const duration = z.union([z.string().max(16), z.number().int().positive()])
  .refine((v) => parseDuration(v) !== null, { message: `must be ${DURATION_FORM}` })
  .describe(DURATION_FORM);

export const displayName = z.string().min(1).max(200);

export const timestamp = z.string().describe('RFC 3339 date-time (UTC)');

/** A page of results as every listing answers. */
export const pageOf = (item: z.ZodType) => z.object({
  data: z.array(item),
  next_cursor: z.string().nullable().describe('pass as `cursor` for the next page; null on the last page'),
});

/** `{data, next_cursor}` from a store page. */
export function pageJson<T, J>(page: { items: T[]; nextCursor: string | null }, toJson: (item: T) => J) {
  return { data: page.items.map(toJson), next_cursor: page.nextCursor };
}
