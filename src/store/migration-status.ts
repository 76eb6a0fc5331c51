import type { MigrationStatus, MigrationStep } from './ports.js';

/**
 * A store's migration status from what the code knows (`steps`, version 1 first), the data's
 * version and when each version was applied (where the store recorded it).
 */
export function migrationStatus(steps: readonly MigrationStep[], current: number,
  appliedAt: ReadonlyMap<number, Date>, indexChanges: string[] = []): MigrationStatus {
  return {
    current,
    latest: steps.length,
    applied: steps.filter((s) => s.version <= current).map((s) => ({ ...s, appliedAt: appliedAt.get(s.version) ?? null })),
    pending: steps.filter((s) => s.version > current),
    indexChanges,
  };
}

/** The error for data written by a newer Gatehouse (never migrated down, never touched). */
export function newerDataError(backend: string, current: number, latest: number): Error {
  return new Error(`the ${backend} data has schema version ${current}, newer than this Gatehouse (${latest}); run the newer Gatehouse`);
}
