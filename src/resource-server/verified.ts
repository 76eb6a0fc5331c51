import type { Principal } from '../domain/principal.js';
import type { RateLimitPolicy } from '../store/ports.js';
import type { MaybePromise } from './maybe-async.js';
import type { MeteredPrincipal } from './metering.js';

/** A credential that checked out: who it is, plus the limits and binding that come with it. */
export interface Verified {
  principal: MeteredPrincipal;
  /** CIDRs the request must come from; empty = anywhere */
  ipAllowlist: readonly string[];
  /** the credential's own rate limit (API keys), if any */
  rateLimit: RateLimitPolicy | null;
  /** the DPoP key thumbprint the token is bound to (`cnf.jkt`, RFC 9449 §6), or null */
  jkt: string | null;
}

/**
 * Verifies presented credentials, in process (store + local keys) or remotely (JWKS +
 * introspection), synchronously when the answer is cached. Null means "not a valid credential",
 * whatever the reason: the caller answers every such case with the same 401. Verifiers cache
 * and share `Verified` objects; per-credential state (rate-limit policies) is kept per object.
 */
export interface CredentialVerifier {
  jwt(token: string): MaybePromise<Verified | null>;
  apiKey(key: string): MaybePromise<Verified | null>;
}

/** The `Verified` of a principal with no allowlist, no own limit and no binding. */
export function plainVerified(principal: Principal, jkt: string | null = null): Verified {
  return { principal: principal as MeteredPrincipal, ipAllowlist: [], rateLimit: null, jkt };
}
