import Database from 'better-sqlite3';

/**
 * Tables whose rows change on every authenticated request whatever it does (rate-limit windows,
 * buffered usage counters and the ids of their flushes, the DPoP proofs claimed once): left out
 * of a snapshot, which is about what a request changed.
 */
const PER_REQUEST = new Set(['rate_limits', 'api_key_usage', 'api_key_last_used', 'usage_flushes', 'single_use', 'usage_hours', 'usage_months']);

/**
 * Every row of every table of a SQLite store file, as JSON text (a second, read-only connection:
 * WAL lets it see exactly what was committed). Two equal snapshots mean nothing was written.
 */
export function snapshotSqlite(path: string): Record<string, string> {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as Array<{ name: string }>;
    const out: Record<string, string> = {};
    for (const { name } of tables) {
      if (PER_REQUEST.has(name)) continue;
      // sorted here: WITHOUT ROWID tables have no rowid to order by
      out[name] = JSON.stringify(db.prepare(`SELECT * FROM "${name}"`).all().map((row) => JSON.stringify(row)).sort());
    }
    return out;
  } finally {
    db.close();
  }
}
