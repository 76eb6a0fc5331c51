import { errors, type KoaContextWithOIDC, type ResourceServer } from 'oidc-provider';
import type { Identity } from '../identity/index.js';

/** The organization and client-credential permissions oidc-provider carries as extra client metadata. */
export interface GatehouseClientFields {
  organization_id?: string;
  permissions?: string[];
}

/** Which account (if any) a request acts for: known after login and at the token endpoint. */
function accountOf(ctx: KoaContextWithOIDC): string | undefined {
  const fromToken = ctx.oidc.entities.Account?.accountId;
  if (fromToken) return fromToken;
  if (ctx.oidc.route === 'authorization' || ctx.oidc.route === 'resume') return ctx.oidc.session?.accountId;
  return undefined;
}

export interface ResourceServerInfoDeps {
  identity: Identity;
  accessTokenTtlSeconds: number;
  /** alg and kid of the active signing key */
  signing: () => { alg: string; kid: string };
}

/**
 * oidc-provider's `getResourceServerInfo`: a resource indicator names the management API or a
 * resource registered by the client's organization; anything else is `invalid_target`. The
 * scope it offers is what the token may carry: the resource's vocabulary, narrowed to the
 * signed-in user's permissions in the client's organization (re-checked on every refresh, so a
 * removed role stops being granted), or to the client's own permissions for client_credentials.
 */
export function resourceServerInfo(deps: ResourceServerInfoDeps) {
  return async (ctx: KoaContextWithOIDC, indicator: string, client: { clientId: string }): Promise<ResourceServer> => {
    const resource = await deps.identity.resources.resolve(indicator);
    const fields = client as unknown as GatehouseClientFields;
    const organizationId = fields.organization_id;
    if (!resource || !organizationId || (resource.organizationId !== null && resource.organizationId !== organizationId))
      throw new errors.InvalidTarget('unknown resource indicator');

    let allowed: readonly string[] = resource.permissions;
    if (ctx.oidc.route === 'token' && ctx.oidc.params?.grant_type === 'client_credentials') {
      allowed = intersect(allowed, fields.permissions ?? []);
    } else {
      const accountId = accountOf(ctx);
      if (accountId) allowed = intersect(allowed, (await deps.identity.permissions.permissionsIn(organizationId, accountId)) ?? []);
    }
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

/** `vocabulary ∩ held`, where `noun:*` in `held` grants every action of that noun. */
export function intersect(vocabulary: readonly string[], held: readonly string[]): string[] {
  const set = new Set(held);
  return vocabulary.filter((p) => set.has(p) || set.has(`${p.slice(0, p.indexOf(':'))}:*`));
}
