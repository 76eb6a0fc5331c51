import type { Model, SchemaOptions } from 'mongoose';
import { pageLimit, toPage } from '../paging.js';
import type { Page, PageRequest } from '../ports.js';
import { UniqueViolation } from '../ports.js';

/**
 * Options every Gatehouse schema shares: documents are exactly the fields declared (`strict`),
 * empty objects are kept (`minimize: false`, an audit event's `metadata: {}` must come back),
 * and there is no `__v` (updates are single-document atomic operators, not optimistic saves).
 */
export const SCHEMA_OPTIONS = { versionKey: false, minimize: false, strict: true, id: false, autoIndex: false } satisfies SchemaOptions;

/** Every document's `_id` is the domain's id (a string), so the default ObjectId is off. */
export const stringId = { type: String, required: true } as const;

/**
 * Maps MongoDB's duplicate-key error (E11000) to `UniqueViolation(field)`. `fields` maps the
 * failing index's key names joined with `,` (e.g. `organizationId,name`) to the port's field.
 */
export function rethrowDuplicate(err: unknown, fields: Record<string, string>): never {
  const e = err as { code?: number; keyPattern?: Record<string, unknown>; keyValue?: Record<string, unknown>; message?: string };
  if (e && e.code === 11000) {
    const keys = duplicateKeys(e);
    throw new UniqueViolation(fields[keys] ?? keys);
  }
  throw err;
}

/**
 * The failing index's key names, `,`-joined: from `keyPattern` (current servers put it on the
 * error), else `keyValue`, else the index name in the message (`organizationId_1_userId_1`,
 * `_id_`), whose default form is each key followed by its direction.
 */
function duplicateKeys(e: { keyPattern?: Record<string, unknown>; keyValue?: Record<string, unknown>; message?: string }): string {
  const source = e.keyPattern ?? e.keyValue;
  if (source && Object.keys(source).length) return Object.keys(source).join(',');
  const index = /index: (\S+)/.exec(e.message ?? '')?.[1] ?? '';
  if (index === '_id_') return '_id';
  return index.replace(/_-?1$/, '').split(/_-?1_/).join(',');
}

/** True for MongoDB's duplicate-key error. */
export const isDuplicate = (err: unknown): boolean => (err as { code?: number } | null)?.code === 11000;

/** The failing index's key names (`,`-joined) of a duplicate-key error; null for any other error. */
export const duplicateKeysOf = (err: unknown): string | null => (isDuplicate(err) ? duplicateKeys(err as object) : null);

/**
 * One page, newest first: `_id` descending, strictly after the cursor, `limit + 1` documents
 * fetched so `nextCursor` is null exactly on the last page.
 */
export async function pageOf<D extends { _id: string }, T>(model: Model<D>, filter: Record<string, unknown>,
  page: PageRequest, map: (doc: D) => T, idOf: (item: T) => string): Promise<Page<T>> {
  const limit = pageLimit(page);
  const query = page.cursor ? { ...filter, _id: { $lt: page.cursor } } : filter;
  const docs = await model.find(query).sort({ _id: -1 }).limit(limit + 1).lean<D[]>();
  return toPage(docs, limit, map, idOf);
}

/** `$set` of the keys a patch sets (undefined means "leave"); the patch's keys are the document's. */
export function setOf(patch: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(patch)) if (v !== undefined) out[k] = v;
  return out;
}
