import type { Principal } from '../domain/principal.js';
import type { Verified } from './verified.js';

/**
 * The `Verified` of a JWT principal (no allowlist, no own limit), one object per principal:
 * verifiers cache principals, and per-credential state (rate-limit policies) is kept per object.
 */
export function jwtVerifiedCache(): (principal: Principal | null) => Verified | null {
  const cache = new WeakMap<Principal, Verified>();
  return (principal) => {
    if (!principal) return null;
    let verified = cache.get(principal);
    if (!verified) cache.set(principal, (verified = { principal, ipAllowlist: [], rateLimit: null }));
    return verified;
  };
}
