import type { Command } from 'commander';
import { openStoreMigrations } from '../../store/open.js';
import type { MigrationStatus } from '../../store/ports.js';
import type { CliKit } from '../kit.js';

/** The status as the CLI prints it with `--json` (snake_case, like every JSON Gatehouse prints). */
function toJson(store: string, status: MigrationStatus) {
  return {
    store,
    current: status.current,
    latest: status.latest,
    applied: status.applied.map((m) => ({ version: m.version, description: m.description, applied_at: m.appliedAt?.toISOString() ?? null })),
    pending: status.pending.map((m) => ({ version: m.version, description: m.description })),
    index_changes: status.indexChanges,
  };
}

function human(r: ReturnType<typeof toJson>): string {
  const state = r.current > r.latest ? `NEWER than this Gatehouse knows (${r.latest}): upgrade Gatehouse`
    : r.pending.length || r.index_changes.length ? 'migrations pending' : 'up to date';
  return [
    `${r.store} schema version ${r.current} of ${r.latest}: ${state}`,
    ...r.applied.map((m) => `  applied  ${m.version}  ${m.applied_at ?? 'before records were kept'}  ${m.description}`),
    ...r.pending.map((m) => `  pending  ${m.version}  ${m.description}`),
    ...r.index_changes.map((c) => `  index    ${c}`),
  ].join('\n');
}

/**
 * `gatehouse migrate [--status]`: the configured store's (DATABASE_URL) schema migrations. The
 * server applies them itself at start-up, under a lock; this applies them beforehand (e.g. from
 * a deploy job) or, with `--status`, only shows the current version, what was applied and when,
 * and what is pending, changing nothing.
 */
export function register(program: Command, { runConfigured }: CliKit): void {
  program.command('migrate')
    .description('apply pending schema migrations to the configured store (DATABASE_URL)')
    .option('--status', 'only show the current version, applied and pending migrations; change nothing')
    .action(runConfigured(async (config, opts: { status?: boolean }) => {
      const migrations = await openStoreMigrations(config.databaseUrl, { timeoutMs: config.store.timeoutMs });
      try {
        const status = opts.status ? await migrations.status() : await migrations.apply();
        return toJson(config.databaseUrl.startsWith('sqlite:') ? 'sqlite' : 'mongodb', status);
      } finally {
        await migrations.close();
      }
    }, { human }));
}
