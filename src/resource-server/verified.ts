import type { Principal } from '../domain/principal.js';
import type { RateLimitPolicy } from '../store/ports.js';
import type { MaybePromise } from './maybe-async.js';

/** A credential that checked out: who it is, plus the limits that come with it. */
export interface Verified {
  principal: Principal;
  /** CIDRs the request must come from; empty = anywhere */
  ipAllowlist: readonly string[];
  /** the credential's own rate limit (API keys), if any */
  rateLimit: RateLimitPolicy | null;
}

/**
 * Verifies presented credentials, in process (store + local keys) or remotely (JWKS +
 * introspection), synchronously when the answer is cached. Null means "not a valid credential", whatever the reason: the caller answers
 * every such case with the same 401.
 */
export interface CredentialVerifier {
  jwt(token: string): MaybePromise<Verified | null>;
  apiKey(key: string): MaybePromise<Verified | null>;
}
