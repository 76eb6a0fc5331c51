import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Caller } from '../audit/actor.js';
import { newId } from '../domain/ids.js';
import type { Secrets } from '../domain/secrets.js';
import { problems } from '../http/problem.js';
import { assertGrantableIn, assertHolds, assertInScope, assertReachesEnvironment, loadControlled } from '../identity/authority.js';
import { pageRequest } from '../identity/paging.js';
import type { PermissionService } from '../identity/permissions.js';
import { unique } from '../identity/validation.js';
import type { Client, Page, PageRequest, Store } from '../store/ports.js';
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
}

export type UpdateClientInput = Partial<Omit<CreateClientInput, 'public'>>;

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
  created_at: string;
  updated_at: string;
}

const sealContext = (clientId: string) => `client:${clientId}`;
const newSecret = () => randomBytes(32).toString('base64url');
const digest = (value: string) => createHash('sha256').update(value).digest();

/** Permissions of the organization the rules need: the vocabulary, and what its members hold. */
export type ClientPermissions = Pick<PermissionService, 'outsideVocabulary' | 'heldByMembers'>;

/**
 * OAuth clients of an organization. Used by the management API, the CLI and the provider (which
 * reads clients through `findForProvider`, so a deletion or a rotation applies to the next
 * request: oidc-provider caches clients by a hash of their metadata, never by id alone).
 *
 * The authorization invariants (SPEC §2a): a client gets only permissions its registrant holds,
 * and changing, rotating the secret of or deleting a client needs every permission it can
 * obtain: its own (client_credentials) and, for an app that signs people in, every permission
 * the organization's members hold, since remembered consent would hand a hijacked redirect URI or
 * secret their codes and tokens. Test credentials cannot touch clients (they serve live traffic).
 */
export class ClientService {
  constructor(private readonly store: Store, private readonly secrets: Secrets, private readonly permissions: ClientPermissions) {}

  /** @throws HttpProblem 400 for invalid input, 403 for permissions the caller lacks, 404 when the organization does not exist */
  async create(caller: Caller, organizationId: string, input: CreateClientInput): Promise<{ client: Client; client_secret?: string }> {
    assertInScope(caller, organizationId);
    assertReachesEnvironment(caller);
    const isPublic = input.public === true;
    const draft = {
      name: input.name, redirectUris: input.redirect_uris ?? [], postLogout: input.post_logout_redirect_uris ?? [],
      grantTypes: input.grant_types ?? ['authorization_code', 'refresh_token'], isPublic,
      scope: input.scope ?? OIDC_SCOPES.join(' '), permissions: input.permissions ?? [],
      requirePar: input.require_pushed_authorization_requests ?? false,
    };
    validateClient(draft);
    if (!(await this.store.organizations.findById(organizationId))) throw problems.notFound('organization');
    await assertGrantableIn(caller, this.permissions, organizationId, draft.permissions, 'You cannot give an app');
    const clientId = newId('client');
    const secret = isPublic ? undefined : newSecret();
    const now = new Date();
    const client: Client = {
      clientId, organizationId, name: draft.name.trim(),
      redirectUris: unique(draft.redirectUris), postLogoutRedirectUris: unique(draft.postLogout),
      grantTypes: unique(draft.grantTypes), tokenEndpointAuthMethod: isPublic ? 'none' : 'client_secret_basic',
      sealedSecret: secret ? this.secrets.seal(secret, sealContext(clientId)) : null,
      scope: unique(draft.scope.split(' ')).join(' '), permissions: unique(draft.permissions),
      requirePushedAuthorizationRequests: draft.requirePar, createdAt: now, updatedAt: now,
    };
    await this.store.clients.create(client);
    return secret ? { client, client_secret: secret } : { client };
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
    };
    validateClient(next);
    if (patch.permissions !== undefined) await assertGrantableIn(caller, this.permissions, organizationId, next.permissions, 'You cannot give an app');
    assertHolds(caller, await this.reach(organizationId, next), 'You cannot make an app that can obtain');
    const updated = await this.store.clients.update(clientId, {
      name: next.name.trim(), redirectUris: unique(next.redirectUris), postLogoutRedirectUris: unique(next.postLogout),
      grantTypes: unique(next.grantTypes), scope: unique(next.scope.split(' ')).join(' '),
      permissions: unique(next.permissions), requirePushedAuthorizationRequests: next.requirePar, updatedAt: new Date(),
    });
    if (!updated) throw problems.notFound('client');
    return updated;
  }

  /** Removes the client; its tokens fail from the next request on (the provider re-reads clients). @throws HttpProblem 403, 404 */
  async delete(caller: Caller, organizationId: string, clientId: string): Promise<void> {
    await this.controlled(caller, organizationId, clientId, 'You cannot delete an app that can obtain');
    if (!(await this.store.clients.delete(clientId))) throw problems.notFound('client');
  }

  /** A new secret, shown once; the old one stops working at once. @throws HttpProblem 400 for a public client, 403, 404 */
  async rotateSecret(caller: Caller, organizationId: string, clientId: string): Promise<{ client: Client; client_secret: string }> {
    const current = await this.controlled(caller, organizationId, clientId, 'You cannot take the secret of an app that can obtain');
    if (current.tokenEndpointAuthMethod === 'none') throw problems.badRequest('public_client', 'A public client has no secret to rotate.');
    const secret = newSecret();
    const client = await this.store.clients.update(clientId, { sealedSecret: this.secrets.seal(secret, sealContext(clientId)), updatedAt: new Date() });
    if (!client) throw problems.notFound('client');
    return { client, client_secret: secret };
  }

  /**
   * Every permission a client can obtain: its own (client_credentials), and for an app that signs
   * people in, whatever the organization's members hold (they could consent to any of it).
   */
  private async reach(organizationId: string, client: { permissions: string[]; grantTypes: string[] }): Promise<string[]> {
    if (!client.grantTypes.includes('authorization_code')) return client.permissions;
    return [...new Set([...client.permissions, ...(await this.permissions.heldByMembers(organizationId))])];
  }

  /** The client, once the caller may act on it: in scope, live, holding all the client can obtain. */
  private controlled(caller: Caller, organizationId: string, clientId: string, doing: string): Promise<Client> {
    return loadControlled(caller, organizationId, () => this.get(organizationId, clientId), (client) => this.reach(organizationId, client), doing);
  }

  /** The client when `secret` is its current secret (constant-time comparison), else null. */
  async verifySecret(clientId: string, secret: string): Promise<Client | null> {
    if (typeof clientId !== 'string' || typeof secret !== 'string' || clientId.length > 100) return null;
    const client = await this.store.clients.findById(clientId);
    const expected = client ? this.secretOf(client) : null;
    // compare digests so the comparison costs the same whatever the lengths
    const ok = timingSafeEqual(digest(expected ?? newSecret()), digest(secret));
    return ok && expected !== null ? client : null;
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
      created_at: client.createdAt.toISOString(), updated_at: client.updatedAt.toISOString(),
    };
  }
}
