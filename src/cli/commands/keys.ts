import type { Command } from 'commander';
import { apiKeyToJson } from '../../api-keys/serialize.js';
import { OPERATOR } from '../../audit/actor.js';
import { parseDuration, DURATION_FORM } from '../../domain/durations.js';
import { problems } from '../../http/problem.js';
import type { KeyMetadata } from '../../domain/api-keys/metadata.js';
import type { Gatehouse } from '../../gatehouse.js';
import { UsageError, type CliKit } from '../kit.js';

interface CreateOptions {
  org?: string; name: string; permissions: string[]; env: string; expiresIn?: string; ip: string[]; server?: boolean; metadata?: string;
}

/** `--metadata '{"customer":"c_1"}'` as an object (its bounds are the service's). @throws UsageError unless a JSON object */
function metadataOption(text: string | undefined): KeyMetadata | undefined {
  if (text === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new UsageError('--metadata must be a JSON object, e.g. \'{"customer":"c_1"}\'');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new UsageError('--metadata must be a JSON object');
  return value as KeyMetadata;
}

/**
 * `gatehouse keys create --org <slug> --name N --permissions p1,p2 [--env live|test]
 * [--expires-in 90d] [--ip CIDR]... [--server] [--metadata JSON]`, `gatehouse keys revoke <id>`,
 * `gatehouse keys disable <id>` and `gatehouse keys enable <id>`. The CLI acts as
 * the operator (every permission, every organization; `created_by: "cli"`). `--server` mints a
 * server-scoped key, the bootstrap credential for the HTTP API.
 */
export function register(program: Command, { run, org, csv, collect }: CliKit): void {
  const keys = program.command('keys').description('API keys for backend services');

  keys.command('create')
    .description('create an API key; the key is printed this once')
    .option('--org <slug>', 'organization slug or id (not with --server)')
    .requiredOption('--name <name>', 'what the key is for')
    .requiredOption('--permissions <list>', 'comma-separated resource:action permissions', csv)
    .option('--env <env>', 'live or test', 'live')
    .option('--expires-in <duration>', `lifetime: ${DURATION_FORM}`)
    .option('--ip <cidr>', 'allow only this IPv4/IPv6 CIDR (repeatable)', collect, [])
    .option('--server', 'a server-scoped key (all organizations, administrative)')
    .option('--metadata <json>', 'a flat JSON object returned on verification, e.g. \'{"customer":"c_1"}\'')
    .action(run(async (gh, opts: CreateOptions) => {
      const organizationId = opts.server ? null : (await org(gh, opts.org!)).id;
      const { record, key } = await gh.apiKeys.create(OPERATOR, organizationId, {
        name: opts.name, permissions: opts.permissions, environment: opts.env as 'live' | 'test',
        expiresInSeconds: opts.expiresIn === undefined ? null : parseDuration(opts.expiresIn),
        ipAllowlist: opts.ip, metadata: metadataOption(opts.metadata),
      });
      return { ...apiKeyToJson(record, gh.apiKeys.status(record), null), key };
    }, {
      check: (opts) => {
        if (opts.server && opts.org) throw new UsageError('--server keys belong to no organization: drop --org');
        if (!opts.server && !opts.org) throw new UsageError('--org is required (or --server for a server-scoped key)');
        if (opts.env !== 'live' && opts.env !== 'test') throw new UsageError('--env must be live or test');
        if (opts.expiresIn !== undefined && parseDuration(opts.expiresIn) === null)
          throw new UsageError(`--expires-in must be ${DURATION_FORM}`);
        metadataOption(opts.metadata);
      },
      human: (r) => `created API key ${r.id} (${r.name})\n${r.key}\nstore it now: it is not shown again`,
    }));

  /** The key by id, in whatever scope it lives. @throws HttpProblem 404 */
  const keyById = async (gh: Gatehouse, id: string) => {
    const record = await gh.store.apiKeys.findById(id);
    if (!record) throw problems.notFound('API key');
    return record;
  };

  keys.command('revoke <id>')
    .description('revoke an API key at once')
    .action(run(async (gh, _opts, { args }) => {
      const record = await keyById(gh, args[0]);
      await gh.apiKeys.revoke(OPERATOR, record.organizationId, record.id);
      return { id: record.id, status: 'revoked' };
    }, { human: (r) => `revoked API key ${r.id}` }));

  for (const [name, enabled, description] of [
    ['disable', false, 'disable an API key: refused like a revoked one until enabled again'],
    ['enable', true, 'enable a disabled API key again (not a revoked or expired one)'],
  ] as const) {
    keys.command(`${name} <id>`)
      .description(description)
      .action(run(async (gh, _opts, { args }) => {
        const record = await keyById(gh, args[0]);
        const updated = await gh.apiKeys.update(OPERATOR, record.organizationId, record.id, { enabled });
        return { id: updated.id, status: gh.apiKeys.status(updated), enabled: updated.disabledAt === null };
      }, { human: (r) => `API key ${r.id} is ${r.status}` }));
  }
}
