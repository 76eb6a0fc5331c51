import { createdByOf, type Caller } from '../audit/actor.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { Secrets } from '../domain/secrets.js';
import { problems } from '../http/problem.js';
import { assertHolds, assertInScope } from '../identity/authority.js';
import type { PermissionService } from '../identity/permissions.js';
import type { Roles } from '../identity/roles.js';
import { Checks } from '../identity/validation.js';
import { UniqueViolation, type Organization, type SsoConnection, type Store } from '../store/ports.js';
import { endpointUrlProblem } from '../webhooks/url-policy.js';
import { IdpFailure, type RelyingParty } from './relying-party.js';

/**
 * Who may change an organization's single sign-on (its provider, its domains): whoever controls
 * the provider signs in as anyone of the verified domains, admins included, so it is
 * `assertMayDecideSignIn` (everything any member holds, a live credential). @throws HttpProblem 403, 404
 */
export type MayConfigure = (caller: Caller, organizationId: string) => Promise<Organization>;

/** What connecting a provider takes. */
export interface ConnectInput {
  issuer: string;
  clientId: string;
  /** sealed at rest, never returned */
  clientSecret: string;
  /** default `member` */
  defaultRole?: string;
  /** default false */
  required?: boolean;
}

/** A change of the connection: a new provider or client, a replaced secret (rotation), the default role, the requirement. */
export type ConnectionChange = Partial<ConnectInput>;

const CONTROL = /[\u0000-\u001f\u007f]/;
const textProblem = (max: number) => (v: unknown) =>
  (typeof v !== 'string' || v.length < 1 || v.length > max || CONTROL.test(v) ? `must be 1 to ${max} characters, no control characters` : null);
const clientIdProblem = textProblem(255);
const secretProblem = textProblem(1024);

/**
 * An organization's OpenID Connect identity provider (SPEC §10), one per organization: its
 * issuer (discovered when saved, so a wrong one is a 400 at once), client id and secret (sealed
 * at rest for this organization; never in an answer, a log or the audit log; rotated by
 * replacing it), the role people get when they join through it, and whether it is required. Every
 * change passes {@link MayConfigure}, and the default role may hold nothing the caller lacks.
 */
export class SsoConnections {
  constructor(private readonly deps: {
    store: Pick<Store, 'ssoConnections'>; secrets: Secrets; roles: Pick<Roles, 'checkAssignable'>;
    permissions: Pick<PermissionService, 'permissionsOfRoles'>; mayConfigure: MayConfigure; relyingParty: Pick<RelyingParty, 'discover'>;
    audit: AuditLog; allowPrivateNetworks: boolean; now?: () => Date;
  }) {}

  private now(): Date {
    return (this.deps.now ?? (() => new Date()))();
  }

  /** @throws HttpProblem 404 */
  async get(caller: Caller, organizationId: string): Promise<SsoConnection> {
    assertInScope(caller, organizationId);
    const connection = await this.deps.store.ssoConnections.find(organizationId);
    if (!connection) throw problems.notFound('SSO connection');
    return connection;
  }

  /** The plaintext client secret, for the token request only. */
  clientSecret(connection: SsoConnection): string {
    return this.deps.secrets.unseal(connection.sealedClientSecret, sealContext(connection.organizationId));
  }

  /** @throws HttpProblem 400 (a field, or an issuer that cannot be discovered), 403, 404, 409 `sso_connection_exists` */
  async create(caller: Caller, organizationId: string, input: ConnectInput): Promise<SsoConnection> {
    await this.deps.mayConfigure(caller, organizationId);
    this.check(input, true);
    const defaultRole = await this.checkDefaultRole(caller, organizationId, input.defaultRole ?? 'member');
    await this.discover(input.issuer, input.clientId, input.clientSecret);
    const at = this.now();
    const connection: SsoConnection = {
      organizationId, issuer: input.issuer, clientId: input.clientId, sealedClientSecret: this.seal(organizationId, input.clientSecret),
      defaultRole, required: input.required ?? false, createdBy: createdByOf(caller), version: 1, createdAt: at, updatedAt: at,
    };
    try {
      await this.deps.store.ssoConnections.create(connection);
    } catch (err) {
      if (err instanceof UniqueViolation) throw problems.conflict('sso_connection_exists', 'This organization has an identity provider already: change or delete it.');
      throw err;
    }
    await this.audit(caller, 'sso_connection.created', organizationId, {
      issuer: connection.issuer, client_id: connection.clientId, default_role: defaultRole, sso_required: connection.required,
    });
    return connection;
  }

  /** @throws HttpProblem 400, 403, 404, 409 `concurrent_change` */
  async update(caller: Caller, organizationId: string, change: ConnectionChange): Promise<SsoConnection> {
    await this.deps.mayConfigure(caller, organizationId);
    this.check(change, false);
    const current = await this.get(caller, organizationId);
    const defaultRole = change.defaultRole === undefined ? undefined : await this.checkDefaultRole(caller, organizationId, change.defaultRole);
    if (change.issuer !== undefined || change.clientId !== undefined || change.clientSecret !== undefined) {
      await this.discover(change.issuer ?? current.issuer, change.clientId ?? current.clientId, change.clientSecret ?? this.clientSecret(current));
    }
    const updated = await this.deps.store.ssoConnections.update(organizationId, current.version, {
      issuer: change.issuer, clientId: change.clientId, defaultRole, required: change.required, updatedAt: this.now(),
      sealedClientSecret: change.clientSecret === undefined ? undefined : this.seal(organizationId, change.clientSecret),
    });
    if (!updated) throw problems.conflict('concurrent_change', 'The SSO connection changed meanwhile; read it again and retry.');
    const changed = (['issuer', 'clientId', 'clientSecret', 'defaultRole', 'required'] as const).filter((k) => change[k] !== undefined);
    await this.audit(caller, 'sso_connection.updated', organizationId, {
      changed: changed.map((k) => FIELD_NAMES[k]),
      ...(change.issuer !== undefined ? { issuer: updated.issuer } : {}),
      ...(change.clientId !== undefined ? { client_id: updated.clientId } : {}),
      ...(defaultRole !== undefined ? { default_role: defaultRole, previous_default_role: current.defaultRole } : {}),
      ...(change.required !== undefined ? { sso_required: updated.required } : {}),
    });
    return updated;
  }

  /** Disconnects the provider: its people sign in as before SSO (a password, a passkey). @throws HttpProblem 403, 404 */
  async delete(caller: Caller, organizationId: string): Promise<void> {
    await this.deps.mayConfigure(caller, organizationId);
    const current = await this.get(caller, organizationId);
    if (!(await this.deps.store.ssoConnections.delete(organizationId))) throw problems.notFound('SSO connection');
    await this.audit(caller, 'sso_connection.deleted', organizationId, { issuer: current.issuer, client_id: current.clientId });
  }

  private check(input: ConnectionChange, creating: boolean): void {
    const given = (v: unknown) => creating || v !== undefined;
    new Checks()
      .add('issuer', given(input.issuer) ? issuerProblem(input.issuer, this.deps.allowPrivateNetworks) : null)
      .add('client_id', given(input.clientId) ? clientIdProblem(input.clientId) : null)
      .add('client_secret', given(input.clientSecret) ? secretProblem(input.clientSecret) : null)
      .add('sso_required', input.required === undefined || typeof input.required === 'boolean' ? null : 'must be true or false')
      .done();
  }

  /** A role of the organization's (built-in or custom) holding nothing the caller lacks. */
  private async checkDefaultRole(caller: Caller, organizationId: string, role: unknown): Promise<string> {
    if (typeof role !== 'string') throw problems.validation([{ field: 'default_role', message: 'must be a role name' }]);
    const [name] = await this.deps.roles.checkAssignable(organizationId, [role], 'default_role');
    assertHolds(caller, await this.deps.permissions.permissionsOfRoles(organizationId, [name]), 'You cannot make people join with a role that holds');
    return name;
  }

  private async discover(issuer: string, clientId: string, secret: string): Promise<void> {
    try {
      await this.deps.relyingParty.discover(issuer, clientId, secret);
    } catch (err) {
      if (err instanceof IdpFailure) throw problems.validation([{ field: 'issuer', message: `is not a usable OpenID Connect provider: ${err.message}` }]);
      throw err;
    }
  }

  private seal(organizationId: string, secret: string): string {
    return this.deps.secrets.seal(secret, sealContext(organizationId));
  }

  private audit(caller: Caller, action: string, organizationId: string, metadata: Record<string, unknown>) {
    return this.deps.audit.record({ organizationId, action, caller, target: { type: 'sso_connection', id: organizationId }, metadata });
  }
}

const FIELD_NAMES = { issuer: 'issuer', clientId: 'client_id', clientSecret: 'client_secret', defaultRole: 'default_role', required: 'sso_required' } as const;

/** A sealed secret is bound to its organization: moved to another row, it does not open. */
/** The additional data an organization's identity-provider secret is sealed with (also `secrets rewrap`'s). */
export const sealContext = (organizationId: string) => `sso-client-secret:${organizationId}`;

/** An issuer URL's problem: https (http too with private networks allowed), no credentials, query or fragment. */
export function issuerProblem(issuer: unknown, allowPrivateNetworks: boolean): string | null {
  if (typeof issuer !== 'string') return 'must be the provider\'s issuer URL';
  return endpointUrlProblem(issuer, allowPrivateNetworks) ?? (issuer.includes('?') ? 'must not have a query' : null);
}
