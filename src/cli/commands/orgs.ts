import type { Command } from 'commander';
import type { CliKit } from '../kit.js';

/** `gatehouse orgs create <slug> [--name N] [--plan P]`, `gatehouse orgs list`. */
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
