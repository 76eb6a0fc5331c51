import { errors, type KoaContextWithOIDC } from 'oidc-provider';
import type { Identity } from '../identity/index.js';
import type { Store } from '../store/ports.js';
import { organizationOfGrant } from './grant-ids.js';
import type { GatehouseClientFields } from './resources.js';

/**
 * Which organization an authorization acts for:
 * - `chosen`: this one (it goes into the grant, and from there into every token's `org`);
 * - `choose`: the person belongs to several and the request named none: they pick on a page;
 * - `none`: the account cannot use this client (not a member of the organization asked for, or
 *   of the client's own organization for a client that is not multi-organization).
 * A disabled membership counts as none: a member disabled in an organization signs in to no app
 * for it, through any page (login, picker, consent, device flow).
 */
export type ActingOrganization =
  | { kind: 'chosen'; organizationId: string }
  | { kind: 'choose'; organizationIds: string[] }
  | { kind: 'none' };

/** What the decision depends on: the client's organization and reach, the request, the person. */
export interface ActingInput {
  ownerId: string;
  multiOrganization: boolean;
  /** the `organization` parameter (id or slug), if the request named one */
  requested?: string;
  accountId: string;
}

/** The `organization` authorization parameter: an organization's id or slug. */
export const ORGANIZATION_PARAM = 'organization';
const PARAM_FORM = /^[a-z0-9][a-z0-9_-]{0,63}$/;

/** Routes where the signed-in browser session names the account (no token is made yet). */
export const SESSION_ROUTES = new Set(['authorization', 'resume', 'code_verification', 'device_resume']);

/** The grant a request works from: a token request's code, refresh token or device code, or an access token's. */
export function grantIdOf(ctx: KoaContextWithOIDC, token?: { grantId?: string }): string | undefined {
  const e = ctx.oidc.entities;
  return token?.grantId ?? e.Grant?.jti ?? e.AuthorizationCode?.grantId ?? e.RefreshToken?.grantId ?? e.DeviceCode?.grantId
    ?? e.AccessToken?.grantId;
}

const clientFields = (ctx: KoaContextWithOIDC) => ctx.oidc.client as unknown as GatehouseClientFields | undefined;

/** Resolves (and caches per request) the organization an authorization acts for. */
export function actingOrganizations(deps: { identity: Identity; store: Store }) {
  const cache = new WeakMap<object, Map<string, Promise<ActingOrganization>>>();

  async function resolve(input: ActingInput): Promise<ActingOrganization> {
    const member = async (organizationId: string) => (await deps.store.memberships.find(organizationId, input.accountId))?.disabled === false;
    if (!input.multiOrganization) return (await member(input.ownerId)) ? { kind: 'chosen', organizationId: input.ownerId } : { kind: 'none' };
    const memberships = (await deps.store.memberships.listByUser(input.accountId)).filter((m) => !m.disabled);
    if (typeof input.requested === 'string' && input.requested) {
      const org = await deps.identity.organizations.resolve(input.requested);
      return org && memberships.some((m) => m.organizationId === org.id) ? { kind: 'chosen', organizationId: org.id } : { kind: 'none' };
    }
    if (memberships.length === 1) return { kind: 'chosen', organizationId: memberships[0].organizationId };
    return memberships.length ? { kind: 'choose', organizationIds: memberships.map((m) => m.organizationId) } : { kind: 'none' };
  }

  return {
    /** At the authorization endpoint (and its resumptions), for the signed-in account. */
    forAccount(ctx: KoaContextWithOIDC, accountId: string): Promise<ActingOrganization> {
      let perAccount = cache.get(ctx);
      if (!perAccount) cache.set(ctx, (perAccount = new Map()));
      let pending = perAccount.get(accountId);
      if (!pending) {
        const client = clientFields(ctx);
        pending = client?.organization_id
          ? resolve({ ownerId: client.organization_id, multiOrganization: client.multi_organization === true, requested: ctx.oidc.params?.[ORGANIZATION_PARAM] as string | undefined, accountId })
          : Promise.resolve({ kind: 'none' });
        perAccount.set(accountId, pending);
      }
      return pending;
    },

    /** The same decision from an interaction's stored parameters (the login, picker and consent pages). */
    resolve,

    /**
     * Where a token request acts: the organization its grant was made for; a client's own
     * organization for client_credentials and for grants made before apps could act for others.
     */
    forGrant(ctx: KoaContextWithOIDC, grantId: string | undefined): string | undefined {
      return (grantId && organizationOfGrant(grantId)) || clientFields(ctx)?.organization_id;
    },

    /**
     * extraParams validator of `organization`: an id or slug; a client that is not
     * multi-organization may only name its own organization (which reveals nothing about others).
     */
    async validateParam(ctx: KoaContextWithOIDC, value: string | undefined): Promise<void> {
      if (value === undefined) return;
      if (typeof value !== 'string' || !PARAM_FORM.test(value)) throw new errors.InvalidRequest('organization must be an organization id or slug');
      const client = clientFields(ctx);
      if (client?.multi_organization) return;
      const org = await deps.identity.organizations.resolve(value);
      if (org?.id !== client?.organization_id) throw new errors.InvalidRequest('this application acts for its own organization only');
    },
  };
}

export type ActingOrganizations = ReturnType<typeof actingOrganizations>;
