import type { Command } from 'commander';
import { rewrapSecrets, type RewrapReport } from '../../secret-rotation/rewrap.js';
import type { CliKit } from '../kit.js';

/** The report without `--json`: one line per kind that holds anything. */
function human(r: RewrapReport): string {
  const lines = [`${r.dryRun ? 'dry run: nothing written; ' : ''}${r.previousSecrets} previous secret(s) configured`];
  for (const [kind, c] of Object.entries(r.sealed)) {
    if (c.current + c.rewrapped + c.changedMeanwhile + c.unreadable === 0) continue;
    lines.push(`${kind}: ${c.rewrapped} ${r.dryRun ? 'to re-seal' : 're-sealed'}, ${c.current} already current`
      + `${c.changedMeanwhile ? `, ${c.changedMeanwhile} changed meanwhile (run again)` : ''}${c.unreadable ? `, ${c.unreadable} UNREADABLE with every configured secret` : ''}`);
  }
  for (const [kind, d] of Object.entries(r.digests)) {
    const previous = d.previous.map((p) => `${p.count} on previous secret #${p.position} (${p.fingerprint})`).join(', ');
    lines.push(`${kind}s in use: ${d.current} on the current secret${previous ? `, ${previous}` : ''}`
      + `${d.unrecorded ? `, ${d.unrecorded} made before digests recorded their secret` : ''}${d.unknownSecret ? `, ${d.unknownSecret} on a secret no longer configured` : ''}`);
  }
  return lines.join('\n');
}

/**
 * `gatehouse secrets rewrap [--dry-run]`: after GATEHOUSE_SECRET changed (the old one in
 * GATEHOUSE_SECRET_PREVIOUS), re-seals what the store keeps sealed with the current secret and
 * reports, per previous secret, the API keys, SCIM tokens and recovery codes still depending on it
 * (README, "Rotating the master secret").
 */
export function register(program: Command, { run }: CliKit): void {
  const secrets = program.command('secrets').description('the master secret (GATEHOUSE_SECRET) and its rotation');

  secrets.command('rewrap')
    .description('re-seal every stored sealed value with the current secret; count what still depends on previous ones')
    .option('--dry-run', 'count only, write nothing')
    .action(run(async (gh, opts: { dryRun?: boolean }) => rewrapSecrets({ store: gh.store.sealedValues, secrets: gh.secrets, dryRun: opts.dryRun === true }), { human }));
}
