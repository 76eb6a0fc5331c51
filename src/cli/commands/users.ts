import { Option, type Command } from 'commander';
import { UsageError, type CliKit } from '../kit.js';

interface UserCreateOptions {
  org: string;
  email: string;
  name?: string;
  role: string[];
  passwordStdin?: boolean;
  password?: string;
}

/** `gatehouse users create --org <slug> --email E --password-stdin [--role R]...` */
export function register(program: Command, { run, org, collect, readStdin }: CliKit): void {
  const users = program.command('users').description('users and their memberships');

  users.command('create')
    .description('create a user in an organization; the password is read from standard input')
    .requiredOption('--org <slug>', 'organization slug or id')
    .requiredOption('--email <email>', 'sign-in email')
    .option('--name <name>', 'display name')
    .option('--password-stdin', 'read the password from standard input (one trailing newline is dropped)')
    .option('--role <role>', 'role in the organization, repeatable (default: member)', collect, [])
    // only so that it can be refused with a reason instead of "unknown option"
    .addOption(new Option('--password <password>').hideHelp())
    .action(run(async (gh, opts: UserCreateOptions, { io }) => {
      const organization = await org(gh, opts.org);
      const password = await readStdin(io);
      const { user, membership } = await gh.identity.users.create({
        email: opts.email, password, name: opts.name, organizationId: organization.id,
        roles: opts.role.length ? opts.role : undefined,
      });
      return { id: user.id, email: user.email, org: organization.slug, roles: membership?.roles ?? [] };
    }, {
      check(opts) {
        if (opts.password !== undefined)
          throw new UsageError('refusing --password: a password on the command line ends up in shell history and the process list; pipe it to --password-stdin');
        if (!opts.passwordStdin) throw new UsageError('--password-stdin is required: pipe the password on standard input');
      },
      human: (u) => `created user ${u.email} (${u.id}) in ${u.org} with role(s) ${u.roles.join(', ')}`,
    }));
}
