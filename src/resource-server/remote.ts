import type { JWTVerifyGetKey } from 'jose';
import type { Middleware } from 'koa';
import { HttpProblem } from '../http/problem.js';
import type { RateLimitPolicy, RateLimitStore } from '../store/ports.js';
import { authenticate, type AuthCounter } from './authenticate.js';
import { discover } from './discovery.js';
import { requireEnvironment, requirePermissions } from './guards.js';
import { createIntrospectionClient } from './introspection-client.js';
import { remoteKeys } from './jwks.js';
import { createJwtVerifier } from './jwt-verifier.js';
import { MemoryRateLimits } from './memory-rate-limits.js';
import { LeasedRateLimiter, type LimitPolicy } from './rate-limiter.js';
import { then } from './maybe-async.js';
import { jwtVerifiedCache } from './verified-of.js';
import type { CredentialVerifier, Verified } from './verified.js';

/** `ak_<env>_<base62>` of a plausible length: the shape of a Gatehouse API key (the tag needs the secret). */
const KEY_SHAPE = /^ak_(live|test)_[0-9A-Za-z]{16,190}$/;

export interface RemoteResourceServerOptions {
  /** the Gatehouse issuer URL, e.g. `https://auth.example.com` */
  issuer: string;
  /** a confidential client of the organization whose keys this service accepts */
  clientId: string;
  clientSecret: string;
  /** the audience(s) (resource identifiers) this service accepts in JWTs */
  audience: string | string[];
  /** accept `?api_key=` (default false) */
  allowQueryParam?: boolean;
  /** refuse non-safe methods to read-only credentials (default true) */
  enforceReadOnly?: boolean;
  /** introspection cache: active answers (default 5000 ms), inactive ones (default 1000 ms) */
  introspectionCache?: { positiveTtlMs?: number; negativeTtlMs?: number; maxEntries?: number };
  /** least time between JWKS refetches caused by an unknown `kid` (default 30 s) */
  jwksCooldownMs?: number;
  /**
   * where keys' own rate limits (from introspection) are counted; default: this process's memory,
   * i.e. per instance of this service. Pass a shared `RateLimitStore` to hold them across instances.
   */
  rateLimitStore?: RateLimitStore;
  /**
   * the limit every caller's organization is held to here (a server-scoped credential: its
   * subject), so every authenticated answer carries `RateLimit-*` headers, JWT callers included;
   * default 6000 a minute (the default plan's); null: none. Counted like `rateLimitStore` says.
   */
  organizationRateLimit?: RateLimitPolicy | null;
  /**
   * failed authentications allowed per client address (default 100 a minute; null: no limit).
   * Every unknown API key costs an introspection round trip, so this also caps how much load one
   * address can push onto Gatehouse through this service.
   */
  failedAuthPerIp?: RateLimitPolicy | null;
  counter?: AuthCounter;
  fetch?: typeof fetch;
}

/** The middleware and guards of a service that trusts a Gatehouse it reaches over HTTP. */
export interface RemoteResourceServer {
  /** authenticates by JWT (remote JWKS) or API key (introspection); see `authenticate` */
  authenticate(): Middleware;
  requirePermissions: typeof requirePermissions;
  requireEnvironment: typeof requireEnvironment;
}

/**
 * Remote mode: discovers the issuer's metadata on first use, verifies JWTs against its JWKS
 * (fetched and cached; refetched on an unknown `kid` at most once per `jwksCooldownMs`) and API
 * keys by RFC 7662 introspection (cached 5 s active / 1 s inactive, keyed by a hash). Staleness:
 * a revoked API key stops working here within the positive TTL; a JWT stays valid until its
 * `exp` (that is what a self-contained token means: keep access-token lifetimes short).
 */
export function createRemoteResourceServer(options: RemoteResourceServerOptions): RemoteResourceServer {
  const issuer = options.issuer.replace(/\/+$/, '');
  const metadata = discover(issuer, { fetch: options.fetch });
  let keys: JWTVerifyGetKey | null = null;
  const keysResolver: JWTVerifyGetKey = async (header, token) => {
    keys ??= remoteKeys((await metadata()).jwks_uri, { cooldownMs: options.jwksCooldownMs });
    return keys(header, token);
  };
  const jwt = createJwtVerifier({ keys: keysResolver, issuer, audience: options.audience });
  const introspect = createIntrospectionClient({
    endpoint: async () => (await metadata()).introspection_endpoint,
    clientId: options.clientId, clientSecret: options.clientSecret, fetch: options.fetch, ...options.introspectionCache,
  });
  const verifiedOf = jwtVerifiedCache();
  const verifier: CredentialVerifier = {
    jwt: (token) => then(jwt.verify(token), verifiedOf),
    async apiKey(key) {
      // what cannot be a Gatehouse key is refused here, without a round trip
      if (!KEY_SHAPE.test(key)) return null;
      try {
        return await introspect(key);
      } catch {
        // discovery or introspection failed (IntrospectionUnavailable, network): not the caller's fault
        throw new HttpProblem(503, 'authorization_server_unavailable', 'Service unavailable', 'The API key could not be checked right now; retry shortly.', {}, { 'Retry-After': '1' });
      }
    },
  };
  const limiter = new LeasedRateLimiter(options.rateLimitStore ?? new MemoryRateLimits());
  const orgLimit = options.organizationRateLimit === undefined ? { limit: 6000, windowSeconds: 60 } : options.organizationRateLimit;
  const policiesFor = ({ principal, rateLimit }: Verified): LimitPolicy[] => {
    const policies: LimitPolicy[] = [];
    if (rateLimit) policies.push({ bucket: `key:${principal.subject}`, limit: rateLimit.limit, windowMs: rateLimit.windowSeconds * 1000 });
    if (orgLimit) {
      const bucket = principal.organization ? `org:${principal.organization}` : `subject:${principal.subject}`;
      policies.push({ bucket, limit: orgLimit.limit, windowMs: orgLimit.windowSeconds * 1000 });
    }
    return policies;
  };

  return {
    authenticate: () => authenticate({
      verifier, allowQueryParam: options.allowQueryParam, enforceReadOnly: options.enforceReadOnly,
      rateLimits: { limiter, policiesFor, failedAuthPerIp: options.failedAuthPerIp === undefined ? { limit: 100, windowSeconds: 60 } : options.failedAuthPerIp ?? undefined },
      counter: options.counter,
    }),
    requirePermissions,
    requireEnvironment,
  };
}
