import type { Command } from 'commander';
import { OPERATOR } from '../../audit/actor.js';
import { UsageError, type CliKit } from '../kit.js';

/** `gatehouse orgs create <slug> [--name N] [--plan P]`, `gatehouse orgs update <slug> [--name N] [--plan P]`, `gatehouse orgs list`. */
export function register(program: Command, { run }: CliKit): void {
  const orgs = program.command('orgs').description('organizations');

  orgs.command('create <slug>')
    .description('create an organization')
    .option('--name <name>', 'display name (default: the slug)')
    .option('--plan <plan>', 'a configured plan (default: the configured default plan)')
    .action(run(async (gh, opts: { name?: string; plan?: string }, { args: [slug] }) => {
      const org = await gh.identity.organizations.create({ slug, name: opts.name, plan: opts.plan });
      return { id: org.id, slug: org.slug, name: org.name, plan: org.plan };
    }, { human: (o) => `created organization ${o.slug} (${o.id}) on plan ${o.plan}` }));

  orgs.command('update <slug>')
    .description('rename an organization or change its plan (permissions the new plan withholds leave its roles, keys and clients)')
    .option('--name <name>', 'new display name')
    .option('--plan <plan>', 'a configured plan')
    .action(run(async (gh, opts: { name?: string; plan?: string }, { args: [slug] }) => {
      const org = await gh.identity.organizations.update(OPERATOR, slug, { name: opts.name, plan: opts.plan });
      return { id: org.id, slug: org.slug, name: org.name, plan: org.plan };
    }, {
      check: (opts) => {
        if (opts.name === undefined && opts.plan === undefined) throw new UsageError('nothing to change: give --name and/or --plan');
      },
      human: (o) => `updated organization ${o.slug} (${o.id}): ${o.name}, plan ${o.plan}`,
    }));

  orgs.command('list')
    .description('list organizations, newest first')
    .option('--limit <n>', 'page size, 1 to 200', (v) => Number(v), 50)
    .option('--cursor <cursor>', 'next_cursor of the previous page')
    .action(run(async (gh, opts: { limit: number; cursor?: string }) => {
      const page = await gh.identity.organizations.list({ limit: opts.limit, cursor: opts.cursor });
      return { data: page.items.map((o) => ({ id: o.id, slug: o.slug, name: o.name, plan: o.plan })), next_cursor: page.nextCursor };
    }, {
      human: (r) => [...r.data.map((o) => `${o.id}  ${o.slug}  ${o.plan}  ${o.name}`), ...(r.next_cursor ? [`next cursor: ${r.next_cursor}`] : [])].join('\n') || 'no organizations',
    }));
}
