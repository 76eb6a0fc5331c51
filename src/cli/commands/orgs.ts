import type { Command } from 'commander';
import { OPERATOR } from '../../audit/actor.js';
import { MAX_REMINDER_DAYS, type KeySettingsInput } from '../../api-keys/organization-settings.js';
import { DURATION_FORM, parseDuration } from '../../domain/durations.js';
import { UsageError, type CliKit } from '../kit.js';

interface UpdateOptions { name?: string; plan?: string; maxKeyLifetime?: string; keyRotationReminderDays?: string }

/** The key-policy part of `orgs update`, in the service's terms; null when none is given. @throws UsageError */
function keyPolicyOf(opts: UpdateOptions): KeySettingsInput | null {
  if (opts.maxKeyLifetime === undefined && opts.keyRotationReminderDays === undefined) return null;
  const policy: KeySettingsInput = {};
  if (opts.maxKeyLifetime !== undefined) {
    policy.maxKeyLifetimeSeconds = opts.maxKeyLifetime === 'none' ? null : parseDuration(opts.maxKeyLifetime);
    if (policy.maxKeyLifetimeSeconds === null && opts.maxKeyLifetime !== 'none') throw new UsageError(`--max-key-lifetime must be ${DURATION_FORM}, or none`);
  }
  if (opts.keyRotationReminderDays !== undefined) {
    const days = opts.keyRotationReminderDays === 'off' ? 0 : Number(opts.keyRotationReminderDays);
    if (!/^(off|\d{1,4})$/.test(opts.keyRotationReminderDays) || days > MAX_REMINDER_DAYS)
      throw new UsageError(`--key-rotation-reminder-days must be 1 to ${MAX_REMINDER_DAYS}, or off (0)`);
    policy.keyRotationReminderDays = days;
  }
  return policy;
}

/**
 * `gatehouse orgs create <slug> [--name N] [--plan P]`, `gatehouse orgs update <slug> [--name N]
 * [--plan P] [--max-key-lifetime D] [--key-rotation-reminder-days N]`, `gatehouse orgs list`.
 */
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
    .description('rename an organization, change its plan (permissions the new plan withholds leave its roles, keys and clients) or its API-key policy')
    .option('--name <name>', 'new display name')
    .option('--plan <plan>', 'a configured plan')
    .option('--max-key-lifetime <duration>', `keys created or rotated from now on expire within it: ${DURATION_FORM}; "none" lifts the limit`)
    .option('--key-rotation-reminder-days <days>', 'api_key.rotation_due after this many days (1 to 3650); "off" or 0 turns it off')
    .action(run(async (gh, opts: UpdateOptions, { args: [slug] }) => {
      const current = await gh.identity.organizations.require(slug);
      const keyPolicy = keyPolicyOf(opts);
      // every part is checked before any is written
      const checked = keyPolicy && gh.apiKeys.settings.check(OPERATOR, current.id, keyPolicy);
      let updated = current;
      if (opts.name !== undefined || opts.plan !== undefined) updated = await gh.identity.organizations.update(OPERATOR, current.id, { name: opts.name, plan: opts.plan });
      if (checked) updated = await gh.apiKeys.settings.save(current.id, checked);
      // the key policy is printed when it was changed (SPEC §2 fixes the rest of the answer)
      return { id: updated.id, slug: updated.slug, name: updated.name, plan: updated.plan, ...(checked ? gh.apiKeys.settings.toJson(updated) : {}) };
    }, {
      check: (opts) => {
        if ([opts.name, opts.plan, opts.maxKeyLifetime, opts.keyRotationReminderDays].every((v) => v === undefined))
          throw new UsageError('nothing to change: give --name, --plan, --max-key-lifetime and/or --key-rotation-reminder-days');
        keyPolicyOf(opts);
      },
      human: (o) => `updated organization ${o.slug} (${o.id}): ${o.name}, plan ${o.plan}` + ('max_key_lifetime' in o
        ? `, max key lifetime ${o.max_key_lifetime ?? 'none'}, rotation reminder ${o.key_rotation_reminder_days === null ? 'off' : `${o.key_rotation_reminder_days} days`}` : ''),
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
