import { jwtVerify } from 'jose';
import { principalFromClaims } from './claims.js';
import type { KeyResolver } from './jwks.js';
import type { MaybePromise } from './maybe-async.js';
import { HashedCache } from './token-cache.js';
import { plainVerified, type Verified } from './verified.js';

/** Signature algorithms accepted, whatever a token's header says: never `none`, never HMAC. */
export const ACCEPTED_ALGORITHMS = ['RS256', 'ES256', 'EdDSA'] as const;

export interface JwtVerifierOptions {
  keys: KeyResolver;
  /** the expected `iss` */
  issuer: string;
  /** the audience(s) this resource server accepts; a token must name one of them */
  audience: string | string[];
  /** seconds of clock skew tolerated on `exp`/`nbf`/`iat` (default 5) */
  clockToleranceSec?: number;
  /** verified tokens kept (default 10 000); an entry never outlives its token's `exp` */
  cacheMaxEntries?: number;
  now?: () => number;
}

/** Verifies RFC 9068 access tokens; resolves the principal (and DPoP binding), or null for any invalid token. */
export interface JwtVerifier {
  /** synchronous for a cached token */
  verify(token: string): MaybePromise<Verified | null>;
}

/** The DPoP key a token is bound to (`cnf.jkt`, RFC 9449 §6.1); undefined when the claim is malformed. */
export function boundJkt(cnf: unknown): string | null | undefined {
  if (cnf === undefined) return null;
  const jkt = (cnf as { jkt?: unknown } | null)?.jkt;
  if (jkt === undefined && cnf !== null && typeof cnf === 'object') return null;
  return typeof jkt === 'string' && jkt ? jkt : undefined;
}

/**
 * Checks signature (allow-listed algorithms, keys from the resolver only), `typ: at+jwt` (so an
 * ID token is refused), `iss`, `aud`, `exp` (required), `nbf`, then caches the principal and its
 * `cnf.jkt` under the token's SHA-256 until `exp`: a repeated token costs one hash and one map
 * lookup.
 */
export function createJwtVerifier(options: JwtVerifierOptions): JwtVerifier {
  const now = options.now ?? Date.now;
  const cache = new HashedCache<Verified>(options.cacheMaxEntries ?? 10_000, now);
  const verifyOptions = {
    algorithms: [...ACCEPTED_ALGORITHMS],
    typ: 'at+jwt',
    issuer: options.issuer,
    audience: options.audience,
    clockTolerance: options.clockToleranceSec ?? 5,
    requiredClaims: ['exp', 'sub', 'client_id'],
  };
  async function verifyAndCache(token: string, key: string): Promise<Verified | null> {
    try {
      const { payload } = await jwtVerify(token, options.keys, { ...verifyOptions, currentDate: new Date(now()) });
      const principal = principalFromClaims(payload);
      const jkt = boundJkt(payload.cnf);
      if (!principal || jkt === undefined) return null;
      const verified = plainVerified(principal, jkt);
      cache.set(key, verified, payload.exp! * 1000);
      return verified;
    } catch {
      return null;
    }
  }
  return {
    verify(token) {
      const key = HashedCache.keyOf(token);
      return cache.get(key) ?? verifyAndCache(token, key);
    },
  };
}
