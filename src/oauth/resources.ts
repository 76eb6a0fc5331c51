import { errors, type KoaContextWithOIDC, type ResourceServer } from 'oidc-provider';
import { MANAGEMENT_PERMISSIONS, nounOf } from '../domain/permissions.js';
import type { Identity, ResolvedResource } from '../identity/index.js';
import { grantIdOf, SESSION_ROUTES, type ActingOrganizations } from './acting-organization.js';

/** The organization, client-credential permissions and reach oidc-provider carries as extra client metadata. */
export interface GatehouseClientFields {
  organization_id?: string;
  permissions?: string[];
  multi_organization?: boolean;
}

/** Which account (if any) a request acts for: known after login and at the token endpoint. */
function accountOf(ctx: KoaContextWithOIDC): string | undefined {
  const fromToken = ctx.oidc.entities.Account?.accountId;
  if (fromToken) return fromToken;
  if (SESSION_ROUTES.has(ctx.oidc.route)) return ctx.oidc.session?.accountId;
  return undefined;
}

export interface ResourceServerInfoDeps {
  identity: Identity;
  acting: ActingOrganizations;
  accessTokenTtlSeconds: number;
  /** alg and kid of the active signing key */
  signing: () => { alg: string; kid: string };
}

/**
 * The organization a request acts for and the permissions it may carry there; `undefined` while
 * not known yet (before login, or before the person picked among their organizations).
 */
async function actingScope(ctx: KoaContextWithOIDC, fields: GatehouseClientFields, deps: ResourceServerInfoDeps):
  Promise<{ organizationId: string | undefined; held: readonly string[] | null }> {
  if (ctx.oidc.route === 'token' && ctx.oidc.params?.grant_type === 'client_credentials')
    return { organizationId: fields.organization_id, held: fields.permissions ?? [] };
  const accountId = accountOf(ctx);
  let organizationId: string | undefined;
  if (ctx.oidc.route === 'token' || !SESSION_ROUTES.has(ctx.oidc.route)) organizationId = deps.acting.forGrant(ctx, grantIdOf(ctx));
  else if (accountId) {
    const acting = await deps.acting.forAccount(ctx, accountId);
    if (acting.kind === 'none') return { organizationId: fields.organization_id, held: [] };
    organizationId = acting.kind === 'chosen' ? acting.organizationId : undefined;
  } else if (!fields.multi_organization) organizationId = fields.organization_id;
  if (!organizationId || !accountId) return { organizationId, held: null };
  return { organizationId, held: (await deps.identity.permissions.permissionsIn(organizationId, accountId)) ?? [] };
}

/**
 * oidc-provider's `getResourceServerInfo`: a resource indicator names the management API, a
 * platform resource, or a resource of the organization the request acts for; anything else is
 * `invalid_target`. The scope it offers is what the token may carry there: the resource's
 * permissions ∩ the organization's vocabulary (a platform permission its plan withholds is never
 * granted) ∩ the person's permissions in that organization (re-checked on every refresh, so a
 * removed role or a deleted resource stops being granted), or ∩ the client's own permissions
 * for client_credentials. The management API's "permissions" are the whole vocabulary: what a
 * token holder may delegate through it (an admin giving a key `pipelines:run` must hold it).
 */
export function resourceServerInfo(deps: ResourceServerInfoDeps) {
  return async (ctx: KoaContextWithOIDC, indicator: string, client: { clientId: string }): Promise<ResourceServer> => {
    const resource = await deps.identity.resources.resolve(indicator);
    const fields = client as unknown as GatehouseClientFields;
    if (!resource || !fields.organization_id) throw new errors.InvalidTarget('unknown resource indicator');
    const { organizationId, held } = await actingScope(ctx, fields, deps);
    if (resource.organizationId !== null && organizationId !== undefined && resource.organizationId !== organizationId)
      throw new errors.InvalidTarget('unknown resource indicator');
    const allowed = intersectHeld(await offered(resource, organizationId, held, deps), held);
    const { alg, kid } = deps.signing();
    return {
      scope: allowed.join(' '),
      audience: resource.identifier,
      accessTokenTTL: deps.accessTokenTtlSeconds,
      accessTokenFormat: 'jwt',
      jwt: { sign: { alg, kid } },
    } as ResourceServer;
  };
}

const MANAGEMENT_NOUNS = new Set(MANAGEMENT_PERMISSIONS.map(nounOf));

/**
 * What the resource may carry for the organization before the holder's permissions narrow it:
 * the management API's is the vocabulary, another resource's its permissions ∩ the vocabulary.
 * The vocabulary is read (every platform and own resource, and the plan) only where it can
 * change the outcome: every vocabulary holds all management permissions, and an organization's
 * own API's permissions are its vocabulary's, so a holder of management permissions only at the
 * management API (most machine clients) and every token for the acting organization's own API
 * skip the read, with the same answer.
 */
async function offered(resource: ResolvedResource, organizationId: string | undefined, held: readonly string[] | null,
  deps: ResourceServerInfoDeps): Promise<readonly string[]> {
  const { permissions } = deps.identity;
  // the server scope's vocabulary (every platform permission) until the organization is known
  if (!organizationId) return resource.kind === 'management' ? permissions.vocabulary(null) : resource.permissions;
  if (resource.kind === 'management') {
    return held && held.every((p) => MANAGEMENT_NOUNS.has(nounOf(p))) ? MANAGEMENT_PERMISSIONS : permissions.vocabulary(organizationId);
  }
  if (resource.organizationId === organizationId) return resource.permissions;
  return intersect(resource.permissions, await permissions.vocabulary(organizationId));
}

const intersectHeld = (allowed: readonly string[], held: readonly string[] | null) => (held ? intersect(allowed, held) : allowed);

/** `vocabulary ∩ held`, where `noun:*` in `held` grants every action of that noun. */
export function intersect(vocabulary: readonly string[], held: readonly string[]): string[] {
  const set = new Set(held);
  return vocabulary.filter((p) => set.has(p) || set.has(`${p.slice(0, p.indexOf(':'))}:*`));
}
