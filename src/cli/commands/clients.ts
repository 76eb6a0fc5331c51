import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { OPERATOR } from '../../audit/actor.js';
import { DURATION_FORM, parseDuration } from '../../domain/durations.js';
import { problems } from '../../http/problem.js';
import type { CreateClientInput } from '../../oauth/clients.js';
import { UsageError, type CliKit, type CommandContext } from '../kit.js';

interface CreateOpts {
  org: string;
  name: string;
  redirectUri: string[];
  postLogoutRedirectUri: string[];
  public?: boolean;
  multiOrg?: boolean;
  grant: string[];
  scope?: string;
  permissions?: string[];
  requirePar?: boolean;
  requireDpop?: boolean;
  authMethod?: string;
  jwksFile?: string;
  jwksUri?: string;
}

const AUTH_METHODS = ['client_secret_basic', 'client_secret_post', 'private_key_jwt'];

/** The JWK Set in `--jwks-file` (relative to the working directory). @throws UsageError */
function readJwks(path: string, ctx: CommandContext): CreateClientInput['jwks'] {
  try {
    return JSON.parse(readFileSync(resolve(ctx.io.cwd ?? process.cwd(), path), 'utf8')) as CreateClientInput['jwks'];
  } catch (err) {
    throw new UsageError(`--jwks-file: cannot read a JSON JWK Set from ${path} (${(err as Error).message.split('\n')[0]})`);
  }
}

/**
 * `gatehouse clients create --org <slug> --name N --redirect-uri U [--redirect-uri U2] [--public]
 * [--multi-org] [--grant …]... [--scope S] [--require-par] [--require-dpop] [--auth-method M] [--jwks-file F | --jwks-uri U]`:
 * the client secret (client_secret_* clients) is printed this once. `gatehouse clients update
 * <client_id> [--name N] [--[no-]require-par] [--[no-]require-dpop]`; `gatehouse clients rotate-secret <client_id> --org
 * <slug> [--grace-period 24h]`. The CLI acts as the operator.
 */
export function register(program: Command, { run, org, collect, csv }: CliKit): void {
  const clients = program.command('clients').description('OAuth 2.0 / OpenID Connect clients (applications)');

  clients.command('create')
    .description('register an OAuth client; prints its client_secret once')
    .requiredOption('--org <slug>', 'organization slug or id (the owner)')
    .requiredOption('--name <name>', 'display name, shown on the consent page')
    .option('--redirect-uri <uri>', 'allowed redirect URI (repeatable); https, or http only for localhost', collect, [])
    .option('--post-logout-redirect-uri <uri>', 'allowed post-logout redirect URI (repeatable)', collect, [])
    .option('--public', 'a public client (SPA, native app, CLI): no secret, PKCE only')
    .option('--multi-org', 'members of any organization may authorize it (else only the owner\'s members)')
    .option('--grant <type>', 'authorization_code, refresh_token, client_credentials or urn:ietf:params:oauth:grant-type:device_code (repeatable; default the first two)', collect, [])
    .option('--scope <scope>', 'space-separated OpenID scopes it may request (default: openid profile email offline_access)')
    .option('--permissions <list>', 'comma-separated permissions of the client itself, for client_credentials', csv)
    .option('--require-par', 'accept its authorization requests only through the pushed authorization request endpoint (RFC 9126)')
    .option('--require-dpop', 'issue it DPoP-bound access tokens only: a token request without a DPoP proof is refused (RFC 9449)')
    .option('--auth-method <method>', `how it authenticates: ${AUTH_METHODS.join(', ')} (default client_secret_basic)`)
    .option('--jwks-file <path>', 'private_key_jwt: a JSON file holding its public keys (JWK Set)')
    .option('--jwks-uri <url>', 'private_key_jwt: where it publishes its public keys')
    .action(run(async (gh, opts: CreateOpts, ctx) => {
      const organization = await org(gh, opts.org);
      const { client, client_secret } = await gh.oauth.clients.create(OPERATOR, organization.id, {
        name: opts.name, redirect_uris: opts.redirectUri, post_logout_redirect_uris: opts.postLogoutRedirectUri,
        public: opts.public === true, grant_types: opts.grant.length ? opts.grant : undefined, scope: opts.scope,
        permissions: opts.permissions, require_pushed_authorization_requests: opts.requirePar === true,
        dpop_bound_access_tokens: opts.requireDpop === true, multi_organization: opts.multiOrg === true,
        token_endpoint_auth_method: opts.authMethod as CreateClientInput['token_endpoint_auth_method'],
        jwks: opts.jwksFile ? readJwks(opts.jwksFile, ctx) : undefined, jwks_uri: opts.jwksUri,
      });
      return { ...gh.oauth.clients.toJSON(client), ...(client_secret ? { client_secret } : {}) };
    }, {
      check: (opts) => {
        if (opts.authMethod !== undefined && !AUTH_METHODS.includes(opts.authMethod))
          throw new UsageError(`--auth-method must be one of ${AUTH_METHODS.join(', ')}`);
        if (opts.public && opts.authMethod) throw new UsageError('--public clients authenticate with no secret: drop --auth-method');
      },
      human: (c) => [`created client ${c.name} (${c.client_id})`, ...(c.client_secret ? [`client_secret: ${c.client_secret}  (shown once)`] : [])].join('\n'),
    }));

  clients.command('update <client_id>')
    .description('change a client: its name, whether it must use pushed authorization requests, whether it must use DPoP')
    .option('--name <name>', 'display name, shown on the consent page')
    .option('--require-par', 'accept its authorization requests only through the pushed authorization request endpoint (RFC 9126)')
    .option('--no-require-par', 'accept authorization requests at the authorization endpoint too')
    .option('--require-dpop', 'issue it DPoP-bound access tokens only: a token request without a DPoP proof is refused (RFC 9449)')
    .option('--no-require-dpop', 'issue it bearer tokens too when it sends no DPoP proof')
    .action(run(async (gh, opts: { name?: string; requirePar?: boolean; requireDpop?: boolean }, { args }) => {
      const found = await gh.oauth.clients.findById(args[0]);
      if (!found) throw problems.notFound('client');
      const client = await gh.oauth.clients.update(OPERATOR, found.organizationId, found.clientId, {
        name: opts.name, require_pushed_authorization_requests: opts.requirePar, dpop_bound_access_tokens: opts.requireDpop,
      });
      return gh.oauth.clients.toJSON(client);
    }, {
      check: (opts) => {
        if (opts.name === undefined && opts.requirePar === undefined && opts.requireDpop === undefined)
          throw new UsageError('nothing to change: give --name, --[no-]require-par or --[no-]require-dpop');
      },
      human: (c) => `updated client ${c.name} (${c.client_id}); require_pushed_authorization_requests: ${c.require_pushed_authorization_requests}; `
        + `dpop_bound_access_tokens: ${c.dpop_bound_access_tokens}`,
    }));

  clients.command('rotate-secret <client_id>')
    .description('a new client secret, printed once; the previous one keeps working for the grace period')
    .requiredOption('--org <slug>', 'organization slug or id (the owner)')
    .option('--grace-period <duration>', `how long the previous secret keeps working: ${DURATION_FORM} (default: it stops at once)`)
    .action(run(async (gh, opts: { org: string; gracePeriod?: string }, { args }) => {
      const organization = await org(gh, opts.org);
      const grace = opts.gracePeriod === undefined || opts.gracePeriod === '0' ? 0 : parseDuration(opts.gracePeriod)!;
      const { client, client_secret } = await gh.oauth.clients.rotateSecret(OPERATOR, organization.id, args[0], grace);
      return { ...gh.oauth.clients.toJSON(client), client_secret };
    }, {
      check: (opts) => {
        if (opts.gracePeriod !== undefined && opts.gracePeriod !== '0' && (parseDuration(opts.gracePeriod) ?? Infinity) > 30 * 86_400)
          throw new UsageError(`--grace-period must be ${DURATION_FORM}, at most 30d`);
      },
      human: (c) => `rotated the secret of ${c.name} (${c.client_id})\nclient_secret: ${c.client_secret}  (shown once)`
        + (c.previous_secret_expires_at ? `\nthe previous secret works until ${c.previous_secret_expires_at}` : ''),
    }));
}
