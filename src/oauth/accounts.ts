import type { Account, KoaContextWithOIDC } from 'oidc-provider';
import type { Identity } from '../identity/index.js';
import type { GatehouseClientFields } from './resources.js';

/** OpenID Connect claims per scope: what userinfo and ID tokens may say about a user. */
export const CLAIMS = {
  openid: ['sub'],
  email: ['email', 'email_verified'],
  profile: ['name'],
};

/**
 * oidc-provider's `findAccount`: an enabled user who is still a member of the client's
 * organization. Returning nothing for a non-member (or a disabled user) makes the provider ask
 * for a new login at /auth and answer `invalid_grant` at the token endpoint.
 */
export function findAccount(identity: Identity) {
  return async (ctx: KoaContextWithOIDC, sub: string): Promise<Account | undefined> => {
    const user = await identity.users.get(sub);
    if (!user || user.disabled) return undefined;
    const organizationId = (ctx.oidc.client as unknown as GatehouseClientFields | undefined)?.organization_id;
    if (organizationId && (await identity.permissions.permissionsIn(organizationId, user.id)) === null) return undefined;
    const verified = (user as { emailVerified?: boolean }).emailVerified ?? false;
    return {
      accountId: user.id,
      claims: async () => ({ sub: user.id, email: user.email, email_verified: verified, name: user.name ?? undefined }),
    };
  };
}
