import type { Command } from 'commander';
import type { CliKit } from '../kit.js';
import * as orgs from './orgs.js';
import * as resources from './resources.js';
import * as users from './users.js';
import * as keys from './keys.js';
import * as clients from './clients.js';
import * as signingKeys from './signing-keys.js';
import * as migrate from './migrate.js';
import * as secrets from './secrets.js';
import * as domains from './domains.js';
import * as sso from './sso.js';

/** A CLI noun: adds its subcommands to the program. */
export interface CommandModule {
  register(program: Command, kit: CliKit): void;
}

/** Every noun of the CLI; a new one is one import and one entry here. */
export const COMMAND_MODULES: CommandModule[] = [orgs, users, resources, keys, clients, signingKeys, migrate, domains, sso, secrets];
