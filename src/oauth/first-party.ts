import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { Configuration, KoaContextWithOIDC } from 'oidc-provider';
import type { Secrets } from '../domain/secrets.js';
import type { Client, Store } from '../store/ports.js';
import type { ActingOrganizations } from './acting-organization.js';
import type { Authorizations } from './authorizations.js';
import { ClientService, OIDC_SCOPES, type ClientPermissions } from './clients.js';

/** The console's client id. Registered clients are `client_…` (ids are made by the server, never chosen). */
export const CONSOLE_CLIENT_ID = 'gatehouse-console';
/**
 * The console's owner: the operator, which is no organization (`org_…`), so nothing that compares
 * a client's organization with another's (introspection, resource ownership) ever matches it.
 */
export const OPERATOR_OWNER = 'operator';

/** Where the console receives the authorization response, and where RP-initiated logout returns. */
export const consoleRedirects = (issuer: string) => ({
  callback: `${issuer}/console/callback`,
  signedOut: `${issuer}/console/signed-out`,
});

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * First-party clients: the operator's own console, one multi-organization client that signs
 * people in without a consent page. It is registered nowhere: it is derived from the issuer and
 * `GATEHOUSE_SECRET`, so no API call, CLI command or store write can make a client first-party
 * (a stored client with its id is never served), and the clients API, the CLI and the connected
 * apps, which read registered clients only, never see it.
 */
export class FirstPartyClients {
  private readonly key: Buffer;
  readonly client: Client;

  constructor(issuer: string, secrets: Secrets) {
    this.key = secrets.key('console-client');
    const { callback, signedOut } = consoleRedirects(issuer);
    const epoch = new Date(0);
    this.client = {
      clientId: CONSOLE_CLIENT_ID, organizationId: OPERATOR_OWNER, name: 'Gatehouse console',
      redirectUris: [callback], postLogoutRedirectUris: [signedOut],
      grantTypes: ['authorization_code', 'refresh_token'], tokenEndpointAuthMethod: 'client_secret_basic',
      sealedSecret: null, scope: OIDC_SCOPES.join(' '), permissions: [], multiOrganization: true,
      jwks: null, jwksUri: null, previousSealedSecret: null, previousSecretExpiresAt: null, requirePushedAuthorizationRequests: false,
      // its tokens are plain Bearer: the console is a backend holding them server-side
      dpopBoundAccessTokens: false, createdAt: epoch, updatedAt: epoch,
    };
  }

  /** Whether the id names a first-party client. */
  owns(clientId: unknown): clientId is string {
    return clientId === CONSOLE_CLIENT_ID;
  }

  /** The console's secret (client_secret_basic): an HMAC of its id, known to this server only. */
  get secret(): string {
    return createHmac('sha256', this.key).update(CONSOLE_CLIENT_ID).digest('base64url');
  }
}

/**
 * The clients the provider and its pages serve: the first-party console, then the registered
 * ones. Only the OAuth provider uses it; everything an organization reaches (the clients API,
 * connected apps, API-key introspection) keeps the plain {@link ClientService}.
 */
export class ClientRegistry extends ClientService {
  constructor(store: Store, secrets: Secrets, permissions: ClientPermissions, private readonly firstParty: FirstPartyClients) {
    super(store, secrets, permissions);
  }

  override async findById(clientId: string): Promise<Client | null> {
    return this.firstParty.owns(clientId) ? this.firstParty.client : super.findById(clientId);
  }

  override secretOf(client: Client): string | null {
    return this.firstParty.owns(client.clientId) ? this.firstParty.secret : super.secretOf(client);
  }

  override async verifySecret(clientId: string, secret: string): Promise<Client | null> {
    if (!this.firstParty.owns(clientId)) return super.verifySecret(clientId, secret);
    const ok = typeof secret === 'string' && timingSafeEqual(digest(this.firstParty.secret), digest(secret));
    return ok ? this.firstParty.client : null;
  }
}

/** What a first-party sign-in asks for: OpenID scopes, and permissions of one resource. */
function asked(ctx: KoaContextWithOIDC, defaultResource: string) {
  const scopes = String(ctx.oidc.params?.scope ?? '').split(' ').filter(Boolean);
  const resource = typeof ctx.oidc.params?.resource === 'string' ? ctx.oidc.params.resource : defaultResource;
  return { oidc: scopes.filter((s) => !s.includes(':')), resource, permissions: scopes.filter((s) => s.includes(':')) };
}

/**
 * A first-party sign-in to the management API stands for the acting organization's whole
 * vocabulary (SPEC §2a: management, platform as the plan allows, the organization's own APIs),
 * which the console cannot name before it knows the organization. The request's scope is widened
 * to it here, once the organization is chosen, so the code, the grant and every refresh token
 * carry it; each token still gets only what the person holds there (the resource-server info
 * narrows it at issue and at every refresh). Without this the console could not give a key
 * `pipelines:run`: delegating through the management API needs the permission in the token.
 */
function widenToVocabulary(ctx: KoaContextWithOIDC, want: ReturnType<typeof asked>, vocabulary: readonly string[]): ReturnType<typeof asked> {
  const permissions = [...new Set([...want.permissions, ...vocabulary])];
  ctx.oidc.params!.scope = [...want.oidc, ...permissions].join(' ');
  return { ...want, permissions };
}

type Grant = NonNullable<Awaited<ReturnType<NonNullable<Configuration['loadExistingGrant']>>>>;

const covers = (grant: Grant, want: ReturnType<typeof asked>) =>
  want.oidc.every((s) => grant.getOIDCScope().split(' ').includes(s))
  && want.permissions.every((p) => grant.getResourceScope(want.resource).split(' ').includes(p));

export interface FirstPartyDeps {
  firstParty: FirstPartyClients;
  acting: ActingOrganizations;
  authorizations: Authorizations;
  /** the management API's identifier (the resource when a request names none) */
  defaultResource: string;
  /** an organization's permission vocabulary (SPEC §2a) */
  vocabulary(organizationId: string): Promise<readonly string[]>;
}

/**
 * Skips the consent page for first-party clients. Their grants are made as every grant is
 * (authorizations.ts): a connection for (person, console, organization) and a grant of this
 * authorization's own hanging from it, so the adapter serves, refreshes and revokes them like any
 * other; only the consent page is skipped, once the organization is known (the picker and the
 * login checks still apply). The grant covers what the console asks, widened to the acting
 * organization's vocabulary at the management API ({@link widenToVocabulary}); every token is still
 * narrowed to the person's permissions in that organization at issue and at each refresh (the
 * resource-server info), so this grants nothing the person does not hold.
 * First-party clients also get refresh tokens without `offline_access` (which OpenID Connect
 * honours only with `prompt=consent`, a consent page): the console keeps them server-side and
 * revokes them at sign-out.
 */
export function withFirstParty(configuration: Configuration, deps: FirstPartyDeps): Configuration {
  const innerGrant = configuration.loadExistingGrant!;
  const innerIssueRefreshToken = configuration.issueRefreshToken!;
  return {
    ...configuration,
    async issueRefreshToken(ctx, client, code) {
      return deps.firstParty.owns(client.clientId) ? client.grantTypeAllowed('refresh_token') : innerIssueRefreshToken(ctx, client, code);
    },
    async loadExistingGrant(ctx: KoaContextWithOIDC) {
      const grant = await innerGrant(ctx);
      const clientId = ctx.oidc.client?.clientId;
      const accountId = ctx.oidc.account?.accountId;
      if (!deps.firstParty.owns(clientId) || !accountId) return grant;
      const acting = await deps.acting.forAccount(ctx, accountId);
      if (acting.kind !== 'chosen') return grant;
      let want = asked(ctx, deps.defaultResource);
      if (want.resource === deps.defaultResource) want = widenToVocabulary(ctx, want, await deps.vocabulary(acting.organizationId));
      if (grant && covers(grant, want)) return grant;
      const grantId = await deps.authorizations.consent({
        accountId, clientId, organizationId: acting.organizationId, firstParty: true,
        scopes: want.oidc, claims: [], resources: want.permissions.length ? { [want.resource]: want.permissions } : {},
        previousGrantId: grant?.jti,
      });
      return ctx.oidc.provider.Grant.find(grantId);
    },
  };
}
