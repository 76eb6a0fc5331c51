import type { Command } from 'commander';
import { OPERATOR } from '../../audit/actor.js';
import { problems } from '../../http/problem.js';
import { UsageError, type CliKit } from '../kit.js';

interface CreateOpts {
  org: string;
  name: string;
  redirectUri: string[];
  postLogoutRedirectUri: string[];
  public?: boolean;
  grant: string[];
  scope?: string;
  permissions?: string[];
  requirePar?: boolean;
}

/**
 * `gatehouse clients create --org <slug> --name N --redirect-uri U [--redirect-uri U2] [--public]
 * [--grant authorization_code|refresh_token|client_credentials]... [--scope S] [--require-par]`: the
 * client secret (confidential clients) is printed this once. The CLI acts as the operator.
 */
export function register(program: Command, { run, org, collect, csv }: CliKit): void {
  const clients = program.command('clients').description('OAuth 2.0 / OpenID Connect clients (applications)');

  clients.command('create')
    .description('register an OAuth client; prints its client_secret once')
    .requiredOption('--org <slug>', 'organization slug or id')
    .requiredOption('--name <name>', 'display name, shown on the consent page')
    .option('--redirect-uri <uri>', 'allowed redirect URI (repeatable); https, or http only for localhost', collect, [])
    .option('--post-logout-redirect-uri <uri>', 'allowed post-logout redirect URI (repeatable)', collect, [])
    .option('--public', 'a public client (SPA, native app): no secret, PKCE only')
    .option('--grant <type>', 'authorization_code, refresh_token or client_credentials (repeatable; default the first two)', collect, [])
    .option('--scope <scope>', 'space-separated OpenID scopes it may request (default: openid profile email offline_access)')
    .option('--permissions <list>', 'comma-separated permissions of the client itself, for client_credentials', csv)
    .option('--require-par', 'accept its authorization requests only through the pushed authorization request endpoint (RFC 9126)')
    .action(run(async (gh, opts: CreateOpts) => {
      const organization = await org(gh, opts.org);
      const { client, client_secret } = await gh.oauth.clients.create(OPERATOR, organization.id, {
        name: opts.name, redirect_uris: opts.redirectUri, post_logout_redirect_uris: opts.postLogoutRedirectUri,
        public: opts.public === true, grant_types: opts.grant.length ? opts.grant : undefined, scope: opts.scope,
        permissions: opts.permissions, require_pushed_authorization_requests: opts.requirePar === true,
      });
      return { ...gh.oauth.clients.toJSON(client), ...(client_secret ? { client_secret } : {}) };
    }, {
      human: (c) => [`created client ${c.name} (${c.client_id})`, ...(c.client_secret ? [`client_secret: ${c.client_secret}  (shown once)`] : [])].join('\n'),
    }));

  clients.command('update <client_id>')
    .description('change a client: its name, or whether it must use pushed authorization requests')
    .option('--name <name>', 'display name, shown on the consent page')
    .option('--require-par', 'accept its authorization requests only through the pushed authorization request endpoint (RFC 9126)')
    .option('--no-require-par', 'accept authorization requests at the authorization endpoint too')
    .action(run(async (gh, opts: { name?: string; requirePar?: boolean }, { args }) => {
      const found = await gh.oauth.clients.findById(args[0]);
      if (!found) throw problems.notFound('client');
      const client = await gh.oauth.clients.update(OPERATOR, found.organizationId, found.clientId, {
        name: opts.name, require_pushed_authorization_requests: opts.requirePar,
      });
      return gh.oauth.clients.toJSON(client);
    }, {
      check: (opts) => {
        if (opts.name === undefined && opts.requirePar === undefined) throw new UsageError('nothing to change: give --name, --require-par or --no-require-par');
      },
      human: (c) => `updated client ${c.name} (${c.client_id}); require_pushed_authorization_requests: ${c.require_pushed_authorization_requests}`,
    }));
}
