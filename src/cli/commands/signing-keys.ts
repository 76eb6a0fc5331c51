import type { Command } from 'commander';
import { SIGNING_ALGS, type SigningAlg } from '../../oauth/signing-keys.js';
import { UsageError, type CliKit } from '../kit.js';

/**
 * `gatehouse signing-keys rotate [--alg RS256|ES256|EdDSA]`: a new key signs from now on; the
 * old ones stay in the JWKS until every token they signed has expired. Running servers pick the
 * new key up within their key poll interval (30 s).
 */
export function register(program: Command, { run }: CliKit): void {
  const keys = program.command('signing-keys').description('keys that sign access and ID tokens');

  keys.command('rotate')
    .description('make a new signing key active; retire the current one')
    .option('--alg <alg>', `${SIGNING_ALGS.join(', ')} (default: the current key's algorithm)`)
    .action(run(async (gh, opts: { alg?: string }) => gh.oauth.signingKeys.rotate(opts.alg as SigningAlg | undefined), {
      check: (opts) => {
        if (opts.alg !== undefined && !SIGNING_ALGS.includes(opts.alg as SigningAlg))
          throw new UsageError(`--alg must be one of ${SIGNING_ALGS.join(', ')}`);
      },
      human: (k) => `signing key ${k.kid} (${k.alg}) is now active`,
    }));

  keys.command('list')
    .description('keys in the JWKS, the signing one first')
    .action(run(async (gh) => {
      const active = gh.oauth.signingKeys.active();
      const data = gh.oauth.signingKeys.publicJwks().keys.map((k) => ({ kid: k.kid, alg: k.alg, active: k.kid === active?.kid }));
      return { data };
    }, { human: (r) => r.data.map((k) => `${k.kid}  ${k.alg}${k.active ? '  (active)' : ''}`).join('\n') }));
}
