import type { Context } from 'koa';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JWK } from 'jose';
import type { Identity } from '../identity/index.js';

export interface UserinfoDeps {
  issuer: string;
  identity: Identity;
  publicJwks: () => { keys: JWK[] };
  /** the algorithms our keys sign with */
  algorithms: readonly string[];
  /** reloads the keys for a kid not in the set (rate-limited); whether it is known now */
  unknownKid?: (kid: string) => Promise<boolean>;
  /** whether a browser on `origin` may read the answer (the token's client has a redirect URI there) */
  corsAllowed?: (clientId: string, origin: string) => Promise<boolean>;
}

function bearer(ctx: Context): string | null {
  const match = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/.exec(ctx.get('authorization'));
  return match ? match[1] : null;
}

function isJwt(token: string): boolean {
  try {
    return !!decodeProtectedHeader(token);
  } catch {
    return false;
  }
}

function invalidToken(ctx: Context, description: string): void {
  ctx.status = 401;
  ctx.set('WWW-Authenticate', `Bearer realm="gatehouse", error="invalid_token", error_description="${description}"`);
  ctx.set('Cache-Control', 'no-store');
  ctx.body = { error: 'invalid_token', error_description: description };
}

/**
 * UserInfo for our JWT access tokens (oidc-provider's own endpoint only knows opaque ones): the
 * token is verified like any resource server would (signature, `typ: at+jwt`, issuer, expiry),
 * must carry `openid`, and the user must still be enabled and a member of the token's
 * organization. Claims follow the scopes: `email` → email, email_verified; `profile` → name.
 * @returns false when the request is not for this handler (no JWT bearer): let the provider answer
 */
export function jwtUserinfo(deps: UserinfoDeps) {
  let cached: { source: object; set: ReturnType<typeof createLocalJWKSet> } | null = null;
  const keySet = () => {
    const jwks = deps.publicJwks();
    if (cached?.source !== jwks) cached = { source: jwks, set: createLocalJWKSet(jwks) };
    return cached.set;
  };
  return async (ctx: Context): Promise<boolean> => {
    const token = bearer(ctx);
    if (!token || !isJwt(token)) return false;
    const verify = () => jwtVerify(token, keySet(), { issuer: deps.issuer, typ: 'at+jwt', algorithms: [...deps.algorithms] });
    let payload;
    try {
      ({ payload } = await verify().catch(async (err: unknown) => {
        const kid = decodeProtectedHeader(token).kid;
        if ((err as { code?: string }).code === 'ERR_JWKS_NO_MATCHING_KEY' && kid && deps.unknownKid && (await deps.unknownKid(kid))) return verify();
        throw err;
      }));
    } catch {
      invalidToken(ctx, 'invalid access token');
      return true;
    }
    const scopes = new Set(String(payload.scope ?? '').split(' '));
    if (!scopes.has('openid')) {
      ctx.status = 403;
      ctx.set('WWW-Authenticate', 'Bearer realm="gatehouse", error="insufficient_scope", scope="openid"');
      ctx.body = { error: 'insufficient_scope', error_description: 'the access token lacks the openid scope' };
      return true;
    }
    const user = typeof payload.sub === 'string' ? await deps.identity.users.get(payload.sub) : null;
    const org = typeof payload.org === 'string' ? payload.org : null;
    if (!user || user.disabled || !org || (await deps.identity.permissions.permissionsIn(org, user.id)) === null) {
      invalidToken(ctx, 'the account is no longer available');
      return true;
    }
    const origin = ctx.get('origin');
    if (origin && typeof payload.client_id === 'string' && (await deps.corsAllowed?.(payload.client_id, origin))) {
      ctx.set('Access-Control-Allow-Origin', origin);
      ctx.vary('Origin');
    }
    ctx.set('Cache-Control', 'no-store');
    ctx.body = {
      sub: user.id,
      ...(scopes.has('email') ? { email: user.email, email_verified: user.emailVerified } : {}),
      ...(scopes.has('profile') && user.name ? { name: user.name } : {}),
    };
    return true;
  };
}
