import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Caller } from '../audit/actor.js';
import { newId } from '../domain/ids.js';
import type { Secrets } from '../domain/secrets.js';
import { problems } from '../http/problem.js';
import type { PermissionRemoval } from '../identity/permission-removal.js';
import { assertGrantableIn, assertHolds, assertInScope, assertReachesEnvironment, loadControlled } from '../identity/authority.js';
import { pageRequest } from '../identity/paging.js';
import { unique } from '../identity/validation.js';
import type { Client, Page, PageRequest, Store, TokenEndpointAuthMethod } from '../store/ports.js';
import { keysAfter, liveSecrets, sealedSecretsOf } from './client-fields.js';
import { reachOf, type ClientPermissions } from './client-reach.js';
import { OIDC_SCOPES, validateClient } from './client-validation.js';

export { CLIENT_GRANT_TYPES, OIDC_SCOPES } from './client-validation.js';


/** What an administrator sends to register a client (snake_case, as in the API). */
export interface CreateClientInput {
  name: string;
  redirect_uris?: string[];
  post_logout_redirect_uris?: string[];
  /** default `authorization_code` + `refresh_token` */
  grant_types?: string[];
  /** a public client (SPA, native app): no secret, PKCE only, never client_credentials */
  public?: boolean;
  /** OpenID scopes the client may request; default `openid profile email offline_access` */
  scope?: string;
  /** permissions of the client itself, for client_credentials */
  permissions?: string[];
  /** RFC 9126: authorization requests only through the pushed authorization request endpoint */
  require_pushed_authorization_requests?: boolean;
  /** RFC 9449: the token endpoint issues only DPoP-bound access tokens (a token request without a DPoP proof is refused) */
  dpop_bound_access_tokens?: boolean;
  /** may sign in members of any organization, not only its own */
  multi_organization?: boolean;
  /** confidential clients: default `client_secret_basic`; `private_key_jwt` needs `jwks` or `jwks_uri` */
  token_endpoint_auth_method?: 'client_secret_basic' | 'client_secret_post' | 'private_key_jwt';
  /** `private_key_jwt`: the client's public keys (a JWK Set) */
  jwks?: { keys: Record<string, unknown>[] } | null;
  /** `private_key_jwt`: where the client publishes its public keys */
  jwks_uri?: string | null;
}

export type UpdateClientInput = Partial<Omit<CreateClientInput, 'public' | 'token_endpoint_auth_method'>>;

/** The API shape of a client (never the secret nor the sealed secret). */
export interface ClientJSON {
  client_id: string;
  organization_id: string;
  name: string;
  redirect_uris: string[];
  post_logout_redirect_uris: string[];
  grant_types: string[];
  token_endpoint_auth_method: string;
  public: boolean;
  scope: string;
  permissions: string[];
  require_pushed_authorization_requests: boolean;
  dpop_bound_access_tokens: boolean;
  multi_organization: boolean;
  jwks: { keys: Record<string, unknown>[] } | null;
  jwks_uri: string | null;
  /** after a rotation with a grace period: when the previous secret stops working */
  previous_secret_expires_at: string | null;
  created_at: string;
  updated_at: string;
}

/** The additional data a client's secrets are sealed with. */
export const sealContext = (clientId: string) => `client:${clientId}`;
/** the longest a rotated-out secret keeps working */
const MAX_GRACE_SECONDS = 30 * 86_400;
const newSecret = () => randomBytes(32).toString('base64url');
const digest = (value: string) => createHash('sha256').update(value).digest();

export type { ClientPermissions } from './client-reach.js';

/**
 * OAuth clients of an organization. Used by the management API, the CLI and the provider (which
 * reads clients through `findForProvider`, so a deletion or a rotation applies to the next
 * request: oidc-provider caches clients by a hash of their metadata, never by id alone).
 *
 * The authorization invariants (SPEC §2a): a client gets only permissions its registrant holds,
 * and any change to a client (its redirect URIs, grants, permissions, how it authenticates: its
 * secret, keys or key URL; whether it serves other organizations), a secret rotation or a
 * deletion needs every permission it can obtain (see `client-reach.ts`): remembered consent
 * would hand a hijacked redirect URI, secret or key its users' codes and tokens. Test
 * credentials cannot touch clients (they serve live traffic).
 */
export class ClientService {
  constructor(private readonly store: Store, private readonly secrets: Secrets, private readonly permissions: ClientPermissions,
    /** takes back what left the vocabulary between a grant's check and its write */
    private readonly removal?: Pick<PermissionRemoval, 'afterGranting'>) {}

  /** The client as stored once a change that raced its grant had its say (see `afterGranting`). */
  private async settled(caller: Caller, client: Client): Promise<Client> {
    const taken = await this.removal?.afterGranting(caller, client.organizationId, client.permissions);
    return taken?.length ? (await this.store.clients.findById(client.clientId)) ?? client : client;
  }

  /** @throws HttpProblem 400 for invalid input, 403 for permissions the caller lacks, 404 when the organization does not exist */
  async create(caller: Caller, organizationId: string, input: CreateClientInput): Promise<{ client: Client; client_secret?: string }> {
    assertInScope(caller, organizationId);
    assertReachesEnvironment(caller);
    const isPublic = input.public === true;
    const authMethod = isPublic ? 'none' : input.token_endpoint_auth_method ?? 'client_secret_basic';
    const draft = {
      name: input.name, redirectUris: input.redirect_uris ?? [], postLogout: input.post_logout_redirect_uris ?? [],
      grantTypes: input.grant_types ?? ['authorization_code', 'refresh_token'], isPublic,
      scope: input.scope ?? OIDC_SCOPES.join(' '), permissions: input.permissions ?? [],
      requirePar: input.require_pushed_authorization_requests ?? false, requireDpop: input.dpop_bound_access_tokens ?? false,
      multiOrganization: input.multi_organization ?? false,
      authMethod, jwks: input.jwks, jwksUri: input.jwks_uri,
    };
    await validateClient(draft);
    if (!(await this.store.organizations.findById(organizationId))) throw problems.notFound('organization');
    await assertGrantableIn(caller, this.permissions, organizationId, draft.permissions, 'You cannot give an app');
    const clientId = newId('client');
    const secret = isPublic || authMethod === 'private_key_jwt' ? undefined : newSecret();
    const now = new Date();
    const client: Client = {
      clientId, organizationId, name: draft.name.trim(),
      redirectUris: unique(draft.redirectUris), postLogoutRedirectUris: unique(draft.postLogout),
      grantTypes: unique(draft.grantTypes), tokenEndpointAuthMethod: authMethod as TokenEndpointAuthMethod,
      sealedSecret: secret ? this.secrets.seal(secret, sealContext(clientId)) : null,
      scope: unique(draft.scope.split(' ')).join(' '), permissions: unique(draft.permissions),
      requirePushedAuthorizationRequests: draft.requirePar, dpopBoundAccessTokens: draft.requireDpop, createdAt: now, updatedAt: now,
      multiOrganization: draft.multiOrganization, jwks: input.jwks ?? null, jwksUri: input.jwks_uri ?? null,
      previousSealedSecret: null, previousSecretExpiresAt: null,
    };
    await this.store.clients.create(client);
    const settled = await this.settled(caller, client);
    return secret ? { client: settled, client_secret: secret } : { client: settled };
  }

  /** @throws HttpProblem 404 when the client does not exist in this organization */
  async get(organizationId: string, clientId: string): Promise<Client> {
    const client = typeof clientId === 'string' ? await this.store.clients.findById(clientId) : null;
    if (!client || client.organizationId !== organizationId) throw problems.notFound('client');
    return client;
  }

  list(organizationId: string, page?: Partial<PageRequest>): Promise<Page<Client>> {
    return this.store.clients.list(organizationId, pageRequest(page));
  }

  /** @throws HttpProblem 400, 403, 404 */
  async update(caller: Caller, organizationId: string, clientId: string, patch: UpdateClientInput): Promise<Client> {
    const current = await this.controlled(caller, organizationId, clientId, 'You cannot change an app that can obtain');
    const next = {
      name: patch.name ?? current.name, redirectUris: patch.redirect_uris ?? current.redirectUris,
      postLogout: patch.post_logout_redirect_uris ?? current.postLogoutRedirectUris,
      grantTypes: patch.grant_types ?? current.grantTypes, isPublic: current.tokenEndpointAuthMethod === 'none',
      scope: patch.scope ?? current.scope, permissions: patch.permissions ?? current.permissions,
      requirePar: patch.require_pushed_authorization_requests ?? current.requirePushedAuthorizationRequests,
      requireDpop: patch.dpop_bound_access_tokens ?? current.dpopBoundAccessTokens,
      multiOrganization: patch.multi_organization ?? current.multiOrganization,
      authMethod: current.tokenEndpointAuthMethod, ...keysAfter(current, patch),
    };
    await validateClient(next);
    if (patch.permissions !== undefined) await assertGrantableIn(caller, this.permissions, organizationId, next.permissions, 'You cannot give an app');
    assertHolds(caller, await reachOf(this.permissions, organizationId, next), 'You cannot make an app that can obtain');
    const updated = await this.store.clients.update(clientId, {
      name: next.name.trim(), redirectUris: unique(next.redirectUris), postLogoutRedirectUris: unique(next.postLogout),
      grantTypes: unique(next.grantTypes), scope: unique(next.scope.split(' ')).join(' '),
      permissions: unique(next.permissions), requirePushedAuthorizationRequests: next.requirePar,
      dpopBoundAccessTokens: next.requireDpop, updatedAt: new Date(),
      multiOrganization: next.multiOrganization, jwks: (next.jwks as Client['jwks']) ?? null, jwksUri: (next.jwksUri as string | null) ?? null,
    });
    if (!updated) throw problems.notFound('client');
    return patch.permissions !== undefined ? this.settled(caller, updated) : updated;
  }

  /** Removes the client; its tokens fail from the next request on (the provider re-reads clients). @throws HttpProblem 403, 404 */
  async delete(caller: Caller, organizationId: string, clientId: string): Promise<void> {
    await this.controlled(caller, organizationId, clientId, 'You cannot delete an app that can obtain');
    if (!(await this.store.clients.delete(clientId))) throw problems.notFound('client');
  }

  /**
   * A new secret, shown once. The previous one keeps working for `graceSeconds` (0: it stops at
   * once); a secret older than that is dropped.
   * @throws HttpProblem 400 for a client without a secret (public, private_key_jwt), 403, 404
   */
  async rotateSecret(caller: Caller, organizationId: string, clientId: string, graceSeconds = 0): Promise<{ client: Client; client_secret: string }> {
    if (!Number.isSafeInteger(graceSeconds) || graceSeconds < 0 || graceSeconds > MAX_GRACE_SECONDS)
      throw problems.validation([{ field: 'grace_period', message: 'must be from 0 to 30 days' }]);
    const current = await this.controlled(caller, organizationId, clientId, 'You cannot take the secret of an app that can obtain');
    if (current.tokenEndpointAuthMethod === 'none') throw problems.badRequest('public_client', 'A public client has no secret to rotate.');
    if (!current.sealedSecret) throw problems.badRequest('no_client_secret', 'This client authenticates with private_key_jwt; it has no secret to rotate.');
    const secret = newSecret();
    const now = Date.now();
    const client = await this.store.clients.update(clientId, {
      sealedSecret: this.secrets.seal(secret, sealContext(clientId)), updatedAt: new Date(now),
      previousSealedSecret: graceSeconds > 0 ? current.sealedSecret : null,
      previousSecretExpiresAt: graceSeconds > 0 ? new Date(now + graceSeconds * 1000) : null,
    });
    if (!client) throw problems.notFound('client');
    return { client, client_secret: secret };
  }

  /** The client, once the caller may act on it: in scope, live, holding all the client can obtain. */
  private controlled(caller: Caller, organizationId: string, clientId: string, doing: string): Promise<Client> {
    return loadControlled(caller, organizationId, () => this.get(organizationId, clientId),
      (client) => reachOf(this.permissions, organizationId, client), doing);
  }

  /**
   * The client when `secret` is its current secret, or its previous one within the grace period
   * (constant-time comparisons), else null.
   */
  async verifySecret(clientId: string, secret: string): Promise<Client | null> {
    if (typeof clientId !== 'string' || typeof secret !== 'string' || clientId.length > 100) return null;
    const client = await this.store.clients.findById(clientId);
    const candidates = client ? sealedSecretsOf(client).map((sealed) => this.secrets.unseal(sealed, sealContext(client.clientId))) : [];
    // compare digests so each comparison costs the same whatever the lengths; always at least one
    const given = digest(secret);
    let ok = false;
    for (const expected of candidates.length ? candidates : [newSecret()]) ok = timingSafeEqual(digest(expected), given) || ok;
    return ok && candidates.length ? client : null;
  }

  /** The unsealed secret, for the provider's in-memory client metadata only. */
  secretOf(client: Client): string | null {
    return client.sealedSecret ? this.secrets.unseal(client.sealedSecret, sealContext(client.clientId)) : null;
  }

  findById(clientId: string): Promise<Client | null> {
    return this.store.clients.findById(clientId);
  }

  /** The snake_case API shape. */
  toJSON(client: Client): ClientJSON {
    return {
      client_id: client.clientId, organization_id: client.organizationId, name: client.name,
      redirect_uris: client.redirectUris, post_logout_redirect_uris: client.postLogoutRedirectUris,
      grant_types: client.grantTypes, token_endpoint_auth_method: client.tokenEndpointAuthMethod,
      public: client.tokenEndpointAuthMethod === 'none', scope: client.scope, permissions: client.permissions,
      require_pushed_authorization_requests: client.requirePushedAuthorizationRequests,
      dpop_bound_access_tokens: client.dpopBoundAccessTokens,
      multi_organization: client.multiOrganization, jwks: client.jwks, jwks_uri: client.jwksUri,
      previous_secret_expires_at: liveSecrets(client).previous ? client.previousSecretExpiresAt!.toISOString() : null,
      created_at: client.createdAt.toISOString(), updated_at: client.updatedAt.toISOString(),
    };
  }
}
