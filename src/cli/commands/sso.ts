import type { Command } from 'commander';
import { OPERATOR } from '../../audit/actor.js';
import { ssoConnectionToJson } from '../../sso/serialize.js';
import { UsageError, type CliKit } from '../kit.js';

const SWITCH: Record<string, boolean> = { on: true, off: false, true: true, false: false };

/**
 * `gatehouse sso show --org <slug>`, `gatehouse sso update --org <slug> [--required on|off]
 * [--default-role R]`. `--required off` is the break-glass: when an organization's identity
 * provider is down or misconfigured, its admins sign in with their passwords again.
 */
export function register(program: Command, { run, org }: CliKit): void {
  const sso = program.command('sso').description("an organization's single sign-on (its identity provider)");

  sso.command('show')
    .description("an organization's identity provider (never its secret)")
    .requiredOption('--org <slug>', 'organization slug or id')
    .action(run(async (gh, opts: { org: string }) => {
      const organization = await org(gh, opts.org);
      return ssoConnectionToJson(await gh.sso.connections.get(OPERATOR, organization.id), gh.sso.redirectUri);
    }));

  sso.command('update')
    .description('require single sign-on or stop requiring it (the break-glass), or change the role people join with')
    .requiredOption('--org <slug>', 'organization slug or id')
    .option('--required <on|off>', 'on: people of the verified domains sign in through the provider only')
    .option('--default-role <role>', 'the role people get when they join through the provider')
    .action(run(async (gh, opts: { org: string; required?: string; defaultRole?: string }) => {
      const organization = await org(gh, opts.org);
      const updated = await gh.sso.connections.update(OPERATOR, organization.id, {
        required: opts.required === undefined ? undefined : SWITCH[opts.required], defaultRole: opts.defaultRole,
      });
      return ssoConnectionToJson(updated, gh.sso.redirectUri);
    }, {
      check: (opts) => {
        if (opts.required === undefined && opts.defaultRole === undefined) throw new UsageError('nothing to change: give --required and/or --default-role');
        if (opts.required !== undefined && !Object.hasOwn(SWITCH, opts.required)) throw new UsageError('--required takes on or off');
      },
      human: (c) => `single sign-on of ${c.organization}: ${c.sso_required ? 'required' : 'not required'}, people join as ${c.default_role}`,
    }));
}
