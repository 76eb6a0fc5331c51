import type { MigrationPort, MigrationStatus, MigrationStep } from '../ports.js';
import { migrationStatus, newerDataError } from '../migration-status.js';
import type { SqliteDb } from './database.js';
import { MIGRATIONS } from './schema.js';

/** When each version was applied; the runner's own table, so it lives outside `MIGRATIONS`. */
const RECORD_TABLE = `CREATE TABLE IF NOT EXISTS gatehouse_migrations (
  version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at INTEGER NOT NULL)`;

/**
 * A migration's one-line description: its leading `-- ` comment, else what it creates
 * (`tables a, b; indexes c`).
 */
export function describeMigration(sql: string): string {
  const comment = /^\s*--\s*(.+)$/m.exec(sql);
  if (comment && sql.trimStart().startsWith('--')) return comment[1].trim();
  const created = (kind: string) => [...sql.matchAll(new RegExp(`CREATE\\s+(?:UNIQUE\\s+)?${kind}\\s+(?:IF NOT EXISTS\\s+)?(\\w+)`, 'gi'))].map((m) => m[1]);
  const parts = [['tables', created('TABLE')], ['indexes', created('INDEX')]]
    .filter(([, names]) => names.length).map(([label, names]) => `${label} ${(names as string[]).join(', ')}`);
  return parts.join('; ') || sql.trim().split('\n')[0].slice(0, 80);
}

/**
 * SQLite's schema migrations: the version is `PRAGMA user_version`, and when each was applied
 * is kept in `gatehouse_migrations` (versions applied before Gatehouse kept it show no time).
 * `apply` runs inside one `BEGIN IMMEDIATE` transaction that re-reads the version under the
 * write lock, so processes opening a file together migrate it exactly once, and a failing
 * migration leaves the file as it was.
 */
export class SqliteMigrations implements MigrationPort {
  private readonly steps: MigrationStep[];

  constructor(private readonly db: SqliteDb, private readonly migrations: readonly string[] = MIGRATIONS) {
    this.steps = migrations.map((sql, i) => ({ version: i + 1, description: describeMigration(sql) }));
  }

  async status(): Promise<MigrationStatus> {
    return this.read();
  }

  async apply(): Promise<MigrationStatus> {
    this.applyNow();
    return this.read();
  }

  /** The synchronous apply the store runs when it opens. */
  applyNow(): void {
    if (this.version() === this.migrations.length && this.hasRecordTable()) return;
    this.db.transaction(() => {
      const from = this.version();
      if (from > this.migrations.length) throw newerDataError('SQLite', from, this.migrations.length);
      this.db.exec(RECORD_TABLE);
      const record = this.db.prepare('INSERT INTO gatehouse_migrations (version, description, applied_at) VALUES (?, ?, ?)');
      for (let v = from; v < this.migrations.length; v++) {
        this.db.exec(this.migrations[v]);
        record.run(v + 1, this.steps[v].description, Date.now());
      }
      this.db.pragma(`user_version = ${this.migrations.length}`);
    }).immediate();
  }

  private read(): MigrationStatus {
    const appliedAt = this.hasRecordTable()
      ? new Map(this.db.prepare<[], { version: number; applied_at: number }>('SELECT version, applied_at FROM gatehouse_migrations')
        .all().map((r) => [r.version, new Date(r.applied_at)]))
      : new Map<number, Date>();
    return migrationStatus(this.steps, this.version(), appliedAt);
  }

  private version(): number {
    return this.db.pragma('user_version', { simple: true }) as number;
  }

  private hasRecordTable(): boolean {
    return this.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'gatehouse_migrations'").get() !== undefined;
  }
}
