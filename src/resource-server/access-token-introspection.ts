import { jwtVerify } from 'jose';
import { ACCEPTED_ALGORITHMS } from './jwt-verifier.js';
import type { KeyResolver } from './jwks.js';

/** The claims of a valid access token, as introspection reports them. */
export interface AccessTokenClaims {
  iss: string;
  sub: string;
  client_id: string;
  aud: string | string[];
  scope?: string;
  org?: string;
  exp: number;
  iat?: number;
  nbf?: number;
  jti?: string;
  /** the DPoP key binding (RFC 9449 §6.2), when the token has one */
  cnf?: { jkt: string };
}

/**
 * Verifies an RFC 9068 access token of `issuer` for introspection: the same checks as the
 * middleware (allow-listed algorithms, `typ: at+jwt`, `iss`, `exp`, `nbf`) except the audience,
 * which is the introspecting resource server's business. Null when invalid.
 */
export function createAccessTokenChecker(keys: KeyResolver, issuer: string, clockToleranceSec = 5) {
  return async (token: string): Promise<AccessTokenClaims | null> => {
    try {
      const { payload } = await jwtVerify(token, keys, {
        algorithms: [...ACCEPTED_ALGORITHMS], typ: 'at+jwt', issuer, clockTolerance: clockToleranceSec,
        requiredClaims: ['exp', 'sub', 'client_id', 'aud'],
      });
      const pick = <K extends keyof AccessTokenClaims>(k: K) => (payload[k] === undefined ? {} : { [k]: payload[k] });
      return {
        iss: payload.iss!, sub: payload.sub!, client_id: payload.client_id as string, aud: payload.aud!, exp: payload.exp!,
        ...pick('scope'), ...pick('org'), ...pick('iat'), ...pick('nbf'), ...pick('jti'), ...pick('cnf'),
      } as AccessTokenClaims;
    } catch {
      return null;
    }
  };
}
