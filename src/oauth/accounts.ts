import type { Account, KoaContextWithOIDC } from 'oidc-provider';
import type { Identity } from '../identity/index.js';
import { grantIdOf, SESSION_ROUTES, type ActingOrganizations } from './acting-organization.js';
import type { GatehouseClientFields } from './resources.js';

/**
 * OpenID Connect claims per scope: what userinfo and ID tokens may say about a user. ID tokens
 * also say how the person signed in (`amr`, RFC 8176: `pwd`, `otp`, `hwk`, and `mfa` once two
 * factors were used), so an app can ask for a second factor of its own accord.
 */
export const CLAIMS = {
  openid: ['sub', 'amr'],
  email: ['email', 'email_verified'],
  profile: ['name'],
};

/**
 * oidc-provider's `findAccount`: an enabled user with a verified email who belongs to the organization the request acts
 * for: at the authorization endpoint, the one named or chosen (see acting-organization.ts); for a
 * token, the one its grant was made for. Returning nothing makes the provider ask for a new login
 * at /auth and answer `invalid_grant` at the token endpoint.
 */
export function findAccount(identity: Identity, acting: ActingOrganizations) {
  async function belongs(ctx: KoaContextWithOIDC, userId: string, token?: { grantId?: string }): Promise<boolean> {
    if (!token && SESSION_ROUTES.has(ctx.oidc.route)) return (await acting.forAccount(ctx, userId)).kind !== 'none';
    const grantId = grantIdOf(ctx, token);
    const client = ctx.oidc.client as unknown as GatehouseClientFields | undefined;
    // a multi-organization client's request that names no grant (e.g. logout) has no one organization to check
    if (!grantId && client?.multi_organization) return true;
    const organizationId = acting.forGrant(ctx, grantId);
    return !organizationId || (await identity.permissions.permissionsIn(organizationId, userId)) !== null;
  }

  return async (ctx: KoaContextWithOIDC, sub: string, token?: { grantId?: string }): Promise<Account | undefined> => {
    const user = await identity.users.get(sub);
    // an address nobody has shown they receive mail at gets no token at all (SPEC §7)
    if (!user || user.disabled || !user.emailVerified || !(await belongs(ctx, user.id, token))) return undefined;
    return {
      accountId: user.id,
      claims: async () => ({ sub: user.id, email: user.email, email_verified: user.emailVerified, name: user.name ?? undefined }),
    };
  };
}
