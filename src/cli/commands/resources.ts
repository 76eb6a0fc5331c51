import type { Command } from 'commander';
import { OPERATOR } from '../../audit/actor.js';
import type { CliKit } from '../kit.js';

/** `gatehouse resources create --org <slug> --identifier <uri> --permissions p1,p2` */
export function register(program: Command, { run, org, csv }: CliKit): void {
  const resources = program.command('resources').description('APIs that accept Gatehouse tokens and keys');

  resources.command('create')
    .description('register a resource (token audience) and its permissions')
    .requiredOption('--org <slug>', 'organization slug or id')
    .requiredOption('--identifier <uri>', 'absolute URI, the token audience (e.g. https://api.example.com)')
    .requiredOption('--permissions <list>', 'comma-separated resource:action permissions', csv)
    .option('--name <name>', 'display name (default: the identifier)')
    .action(run(async (gh, opts: { org: string; identifier: string; permissions: string[]; name?: string }) => {
      const organization = await org(gh, opts.org);
      const resource = await gh.identity.resources.create(OPERATOR, organization.id, {
        identifier: opts.identifier, name: opts.name, permissions: opts.permissions,
      });
      return { id: resource.id, identifier: resource.identifier, permissions: resource.permissions };
    }, { human: (r) => `created resource ${r.identifier} (${r.id}) with permissions ${r.permissions.join(', ')}` }));
}
