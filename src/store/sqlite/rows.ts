import { definedPatch } from '../paging.js';
import { UniqueViolation } from '../ports.js';

export { definedPatch, pageLimit, toPage } from '../paging.js';

/** Shared row helpers: dates are stored as ms integers, arrays and objects as JSON text. */

export const toMs = (d: Date | null | undefined): number | null => (d ? d.getTime() : null);
export const fromMs = (ms: number | bigint | null | undefined): Date | null => (ms == null ? null : new Date(Number(ms)));
export const date = (ms: number | bigint): Date => new Date(Number(ms));
export const json = (value: unknown): string => JSON.stringify(value);
export const parse = <T>(text: string | null): T => (text == null ? (null as T) : (JSON.parse(text) as T));

/**
 * Maps a SQLite unique/primary-key failure to `UniqueViolation(field)`; `fields` maps the failing
 * column list (e.g. `organization_id,name`) to the port's field name. Other errors pass through.
 */
export function rethrowUnique(err: unknown, fields: Record<string, string>): never {
  const e = err as { code?: string; message?: string };
  if (e && (e.code === 'SQLITE_CONSTRAINT_UNIQUE' || e.code === 'SQLITE_CONSTRAINT_PRIMARYKEY')) {
    const columns = (e.message ?? '').replace(/^.*failed:\s*/, '').split(',')
      .map((c) => c.trim().split('.').pop() ?? '').join(',');
    throw new UniqueViolation(fields[columns] ?? columns);
  }
  throw err;
}

/** How one aggregate's rows are read, mapped and rewritten, for {@link patchRow}. */
export interface RowCodec<R, T> {
  fromRow(row: R): T;
  toRow(item: T): R;
}

/**
 * Read-modify-write of one row inside `BEGIN IMMEDIATE` (so concurrent patches from other
 * processes serialise instead of losing each other's fields). Returns the stored item, re-read.
 */
export function patchRow<R, T extends object>(db: import('./database.js').SqliteDb, codec: RowCodec<R, T>,
  read: () => R | undefined, write: (row: R) => void, patch: Partial<NoInfer<T>>): T | null {
  return db.transaction(() => {
    const row = read();
    if (!row) return null;
    write(codec.toRow({ ...codec.fromRow(row), ...definedPatch(patch) }));
    return codec.fromRow(read()!);
  }).immediate();
}
