import { createHmac } from 'node:crypto';
import type { Configuration, KoaContextWithOIDC } from 'oidc-provider';
import type { Secrets } from '../domain/secrets.js';
import type { Organizations } from '../identity/organizations.js';
import type { Client, Store } from '../store/ports.js';
import { ClientService, OIDC_SCOPES } from './clients.js';

/** Client ids of the console: `gatehouse-console.<organization id or slug>`. */
export const CONSOLE_CLIENT_PREFIX = 'gatehouse-console.';

/** Where the console receives the authorization response, and where RP-initiated logout returns. */
export const consoleRedirects = (issuer: string) => ({
  callback: `${issuer}/console/callback`,
  signedOut: `${issuer}/console/signed-out`,
});

/**
 * First-party clients: the operator's own console, which signs an organization's members in
 * without a consent page. They are registered nowhere: one is derived per organization from the
 * issuer and `GATEHOUSE_SECRET` whenever the provider asks for it, so no API call, CLI command or
 * store write can make a client first-party, and the registry's routes (which read the store)
 * can neither list, change nor delete one.
 */
export class FirstPartyClients {
  private readonly key: Buffer;

  constructor(private readonly issuer: string, secrets: Secrets, private readonly organizations: Pick<Organizations, 'resolve'>) {
    this.key = secrets.key('console-client');
  }

  /** Whether the id names a first-party client (whatever the organization part says). */
  owns(clientId: unknown): clientId is string {
    return typeof clientId === 'string' && clientId.startsWith(CONSOLE_CLIENT_PREFIX);
  }

  /** The console's client id for an organization (id or slug). */
  consoleClientId(organization: string): string {
    return `${CONSOLE_CLIENT_PREFIX}${organization}`;
  }

  /** The client's secret (client_secret_basic): an HMAC of its id, known to this server only. */
  secretFor(clientId: string): string {
    return createHmac('sha256', this.key).update(clientId).digest('base64url');
  }

  /** The console client of the organization the id names; null when there is no such organization. */
  async find(clientId: string): Promise<Client | null> {
    const organization = clientId.slice(CONSOLE_CLIENT_PREFIX.length);
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(organization)) return null;
    const org = await this.organizations.resolve(organization);
    if (!org) return null;
    const { callback, signedOut } = consoleRedirects(this.issuer);
    return {
      clientId, organizationId: org.id, name: `Gatehouse console (${org.name})`,
      redirectUris: [callback], postLogoutRedirectUris: [signedOut],
      grantTypes: ['authorization_code', 'refresh_token'], tokenEndpointAuthMethod: 'client_secret_basic',
      sealedSecret: null, scope: OIDC_SCOPES.join(' '), permissions: [], createdAt: org.createdAt, updatedAt: org.createdAt,
    };
  }
}

/** The client registry the provider and the login pages read: first-party clients, then the store's. */
export class ClientRegistry extends ClientService {
  constructor(store: Store, secrets: Secrets, private readonly firstParty: FirstPartyClients) {
    super(store, secrets);
  }

  override async findById(clientId: string): Promise<Client | null> {
    return this.firstParty.owns(clientId) ? this.firstParty.find(clientId) : super.findById(clientId);
  }

  override secretOf(client: Client): string | null {
    return this.firstParty.owns(client.clientId) ? this.firstParty.secretFor(client.clientId) : super.secretOf(client);
  }
}

/**
 * Skips the consent page for first-party clients: the grant they load covers every scope they
 * ask for. What a token then carries is still narrowed to the person's permissions in the
 * organization (the resource-server info), so this grants nothing the person does not hold.
 * They also get refresh tokens without `offline_access` (which OpenID Connect only honours
 * with `prompt=consent`, a consent page): the console keeps them server-side and revokes the
 * grant at sign-out.
 */
export function withFirstPartyConsent(configuration: Configuration, firstParty: FirstPartyClients, defaultResource: string): Configuration {
  const inner = configuration.loadExistingGrant!;
  const innerIssueRefreshToken = configuration.issueRefreshToken!;
  return {
    ...configuration,
    async issueRefreshToken(ctx, client, code) {
      return firstParty.owns(client.clientId) ? client.grantTypeAllowed('refresh_token') : innerIssueRefreshToken(ctx, client, code);
    },
    async loadExistingGrant(ctx: KoaContextWithOIDC) {
      const grant = await inner(ctx);
      const clientId = ctx.oidc.client?.clientId;
      const accountId = ctx.oidc.account?.accountId;
      if (!firstParty.owns(clientId) || !accountId) return grant;
      const covering = grant ?? new ctx.oidc.provider.Grant({ clientId, accountId });
      const scopes = String(ctx.oidc.params?.scope ?? '').split(' ').filter(Boolean);
      const resource = typeof ctx.oidc.params?.resource === 'string' ? ctx.oidc.params.resource : defaultResource;
      covering.addOIDCScope(scopes.filter((s) => !s.includes(':')).join(' '));
      const permissions = scopes.filter((s) => s.includes(':'));
      if (permissions.length) covering.addResourceScope(resource, permissions.join(' '));
      await covering.save();
      return covering;
    },
  };
}
