import type { Context } from 'koa';
import type { JSONWebKeySet } from 'jose';
import type { Identity } from '../identity/index.js';
import type { HttpProblem } from '../http/problem.js';
import { KoaExchange } from '../resource-server/adapters/koa.js';
import { extractCredential } from '../resource-server/core/credential.js';
import type { DpopVerifier } from '../resource-server/dpop/verifier.js';
import { dpopTokenMisuse } from '../resource-server/dpop/problems.js';
import { localKeys } from '../resource-server/jwks.js';
import { createJwtVerifier } from '../resource-server/jwt-verifier.js';

export interface UserinfoDeps {
  issuer: string;
  identity: Identity;
  /** the public JWKS now; called again (after `refreshKeys`) when a token names an unknown kid */
  publicJwks: () => JSONWebKeySet;
  /** re-reads the signing keys from the store (another instance may have rotated) */
  refreshKeys?: () => Promise<void>;
  /** subscribe to signing-key changes */
  onKeysChange?: (listener: () => void) => unknown;
  /** DPoP proofs, checked as the resource server checks them (same replay cache and nonces) */
  dpop: DpopVerifier;
  /** whether a browser on `origin` may read the answer (the token's client has a redirect URI there) */
  corsAllowed?: (clientId: string, origin: string) => Promise<boolean>;
}

/** three base64url segments: a JWS in compact form (opaque tokens are oidc-provider's) */
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/** A refusal in RFC 6750 §3's form: status, `WWW-Authenticate` (and `DPoP-Nonce`), `{error, error_description}`. */
function refuse(ctx: Context, problem: HttpProblem): void {
  ctx.status = problem.status;
  ctx.set(problem.headers);
  ctx.set('Cache-Control', 'no-store');
  ctx.body = { error: problem.code, error_description: problem.detail ?? problem.title };
}

function invalidToken(ctx: Context, description: string): void {
  ctx.status = 401;
  ctx.set('WWW-Authenticate', `Bearer realm="gatehouse", error="invalid_token", error_description="${description}"`);
  ctx.set('Cache-Control', 'no-store');
  ctx.body = { error: 'invalid_token', error_description: description };
}

/**
 * UserInfo for our JWT access tokens (oidc-provider's own endpoint only knows opaque ones), with
 * the resource server's own JWT verifier: signature (allow-listed algorithms, keys from the JWKS
 * only), `typ: at+jwt`, issuer, expiry, and the audience, which must be the issuer's userinfo
 * audience (the management API `<issuer>/v1` or the issuer): a token minted for another API is
 * refused. A DPoP-bound token is accepted only as `Authorization: DPoP` with a valid proof
 * (RFC 9449), as bearer it is refused. The token must carry `openid`, and the user must still be
 * enabled and a member of the token's organization. Claims follow the scopes: `email` → email,
 * email_verified; `profile` → name.
 * @returns false when the request is not for this handler (no JWT credential): let the provider answer
 */
export function jwtUserinfo(deps: UserinfoDeps) {
  const keys = localKeys({
    load: async () => {
      await deps.refreshKeys?.();
      return deps.publicJwks();
    },
  });
  deps.onKeysChange?.(() => void keys.reload());
  const verifier = createJwtVerifier({ keys, issuer: deps.issuer, audience: [`${deps.issuer}/v1`, deps.issuer] });

  return async (ctx: Context): Promise<boolean> => {
    const ex = new KoaExchange(ctx);
    const credential = extractCredential(ex, false);
    if (credential.kind !== 'jwt' || credential.scheme === 'key' || !JWT_SHAPE.test(credential.value)) return false;
    const token = credential.value;
    const verified = await verifier.verify(token);
    if (!verified) {
      invalidToken(ctx, 'invalid access token');
      return true;
    }
    if (verified.jkt === null && credential.scheme === 'dpop') {
      refuse(ctx, dpopTokenMisuse('This access token is not bound to a DPoP key: send it as a bearer token.'));
      return true;
    }
    if (verified.jkt !== null) {
      const refusal = credential.scheme === 'dpop'
        ? await deps.dpop.verify(ex, token, verified.jkt)
        : dpopTokenMisuse('This access token is bound to a DPoP key: send it as "Authorization: DPoP <token>" with a DPoP proof.');
      if (refusal) {
        refuse(ctx, refusal);
        return true;
      }
      const nonce = deps.dpop.nonce();
      if (nonce) ctx.set('DPoP-Nonce', nonce);
    }
    const { principal } = verified;
    // the principal keeps only permissions; the OpenID scopes are read from the token once more
    const scopes = new Set(scopeOf(token));
    if (!scopes.has('openid')) {
      ctx.status = 403;
      ctx.set('WWW-Authenticate', 'Bearer realm="gatehouse", error="insufficient_scope", scope="openid"');
      ctx.body = { error: 'insufficient_scope', error_description: 'the access token lacks the openid scope' };
      return true;
    }
    const user = principal.type === 'user' ? await deps.identity.users.get(principal.subject) : null;
    const org = principal.organization;
    if (!user || user.disabled || !org || (await deps.identity.permissions.permissionsIn(org, user.id)) === null) {
      invalidToken(ctx, 'the account is no longer available');
      return true;
    }
    const origin = ctx.get('origin');
    if (origin && principal.client_id && (await deps.corsAllowed?.(principal.client_id, origin))) {
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

/** The `scope` claim of a token that already verified. */
function scopeOf(token: string): string[] {
  const payload = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as { scope?: unknown };
  return typeof payload.scope === 'string' ? payload.scope.split(' ') : [];
}
