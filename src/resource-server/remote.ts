import { hkdfSync } from 'node:crypto';
import type { JWTVerifyGetKey } from 'jose';
import { HttpProblem } from '../http/problem.js';
import type { RateLimitPolicy, RateLimitStore } from '../store/ports.js';
import { forKoa } from './adapters/koa.js';
import type { AuthenticateCallOptions, ResourceServerCore } from './adapters/shared.js';
import { createAuthenticator, type AuthCounter, type Authenticator } from './core/authenticator.js';
import { discover } from './discovery.js';
import { DpopNonces } from './dpop/nonce.js';
import { memoryReplayGuard, type ReplayGuard } from './dpop/replay.js';
import { createDpopVerifier } from './dpop/verifier.js';
import { createIntrospectionClient } from './introspection-client.js';
import { remoteKeys } from './jwks.js';
import { createJwtVerifier } from './jwt-verifier.js';
import { MemoryRateLimits } from './memory-rate-limits.js';
import type { Meter } from './metering.js';
import { UsageMeter } from '../usage/meter.js';
import { remoteSink } from '../usage/remote-sink.js';

// a failed report is retried as it was at the next flush; the service's logs are its own
const silentErrors = { error: () => {} };
import { LeasedRateLimiter, type LimitPolicy } from './rate-limiter.js';
import { GatehouseRateLimits, gatehouseReplayGuard } from './remote-sharing.js';
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
   * where the rate limits are counted: `'gatehouse'` (default) at Gatehouse, shared by every
   * instance of this service (this client); `'memory'`: per instance; or a `RateLimitStore` the
   * service is given (e.g. its own database)
   */
  rateLimitStore?: RateLimitStore | 'gatehouse' | 'memory';
  /**
   * the limit every caller's organization is held to here (a server-scoped credential: its
   * subject), so every authenticated answer carries `RateLimit-*` headers, JWT callers included;
   * default 6000 a minute (the default plan's); null: none. Counted where `rateLimitStore` says.
   */
  organizationRateLimit?: RateLimitPolicy | null;
  /**
   * failed authentications allowed per client address (default 100 a minute; null: no limit).
   * Every unknown API key costs an introspection round trip, so this also caps how much load one
   * address can push onto Gatehouse through this service.
   */
  failedAuthPerIp?: RateLimitPolicy | null;
  /** DPoP-bound tokens (RFC 9449) */
  dpop?: {
    /** where used proofs are remembered: `'gatehouse'` (default, shared by every instance), `'memory'`, or a guard */
    replay?: ReplayGuard | 'gatehouse' | 'memory';
    /** require server nonces (derived from the client secret, so every instance agrees) */
    requireNonce?: boolean;
    /** seconds a proof's `iat` may be from now (default 300) */
    iatWindowSeconds?: number;
    /** the public origin clients address this service at (for `htu`), when it is behind a proxy that rewrites Host */
    origin?: string;
  };
  /**
   * metering: by default every request is counted in memory and reported to Gatehouse in
   * batches (`POST /resource-server/usage`, every `flushMs`, default 5000), quotas read back
   * from it; `false`: nothing is counted here; or a `Meter` of your own. Call `close()` on
   * shutdown so the last counts are reported.
   */
  meter?: Meter | false;
  /** how often usage is reported (default 5000 ms) */
  meterFlushMs?: number;
  counter?: AuthCounter;
  fetch?: typeof fetch;
}

/** A service that trusts a Gatehouse it reaches over HTTP; adapters (`forExpress(rs)`, …) mount it. */
export interface RemoteResourceServer extends ResourceServerCore, ReturnType<typeof forKoa> {
  /** reports the usage not yet reported and stops the reporting timer (call it on SIGTERM) */
  close(): Promise<void>;
}

/**
 * Remote mode: discovers the issuer's metadata on first use, verifies JWTs against its JWKS
 * (fetched and cached; refetched on an unknown `kid` at most once per `jwksCooldownMs`) and API
 * keys by RFC 7662 introspection (cached 5 s active / 1 s inactive, keyed by a hash). Staleness:
 * a revoked API key stops working here within the positive TTL; a JWT stays valid until its
 * `exp` (that is what a self-contained token means: keep access-token lifetimes short). Rate
 * limits and DPoP replay detection are shared with every instance of the service through
 * Gatehouse by default.
 */
export function createRemoteResourceServer(options: RemoteResourceServerOptions): RemoteResourceServer {
  const issuer = options.issuer.replace(/\/+$/, '');
  const metadata = discover(issuer, { fetch: options.fetch });
  let keys: JWTVerifyGetKey | null = null;
  const keysResolver: JWTVerifyGetKey = async (header, token) => {
    keys ??= remoteKeys((await metadata()).jwks_uri, { cooldownMs: options.jwksCooldownMs });
    return keys(header, token);
  };
  const introspect = createIntrospectionClient({
    endpoint: async () => (await metadata()).introspection_endpoint,
    clientId: options.clientId, clientSecret: options.clientSecret, fetch: options.fetch, ...options.introspectionCache,
  });
  const sharing = { issuer, clientId: options.clientId, clientSecret: options.clientSecret, fetch: options.fetch };
  const reporting = options.meter === undefined
    ? new UsageMeter({ sink: remoteSink(sharing), logger: silentErrors, flushMs: options.meterFlushMs ?? 5000 })
    : null;
  reporting?.start();
  const meter = options.meter === undefined ? reporting! : options.meter || undefined;
  const store = options.rateLimitStore ?? 'gatehouse';
  const limiter = new LeasedRateLimiter(store === 'gatehouse' ? new GatehouseRateLimits(sharing) : store === 'memory' ? new MemoryRateLimits() : store);
  const orgLimit = options.organizationRateLimit === undefined ? { limit: 6000, windowSeconds: 60 } : options.organizationRateLimit;
  const policies = new WeakMap<Verified, LimitPolicy[]>();
  const policiesFor = (verified: Verified): LimitPolicy[] => {
    let list = policies.get(verified);
    if (list) return list;
    const { principal, rateLimit } = verified;
    list = [];
    if (rateLimit) list.push({ bucket: `key:${principal.subject}`, limit: rateLimit.limit, windowMs: rateLimit.windowSeconds * 1000 });
    if (orgLimit) {
      const bucket = principal.organization ? `org:${principal.organization}` : `subject:${principal.subject}`;
      list.push({ bucket, limit: orgLimit.limit, windowMs: orgLimit.windowSeconds * 1000 });
    }
    policies.set(verified, list);
    return list;
  };
  const replayOption = options.dpop?.replay ?? 'gatehouse';
  const dpop = createDpopVerifier({
    replay: replayOption === 'gatehouse' ? gatehouseReplayGuard(sharing) : replayOption === 'memory' ? memoryReplayGuard() : replayOption,
    nonces: new DpopNonces(Buffer.from(hkdfSync('sha256', options.clientSecret, options.clientId, 'gatehouse resource-server dpop nonce', 32))),
    requireNonce: options.dpop?.requireNonce, iatWindowSeconds: options.dpop?.iatWindowSeconds, origin: options.dpop?.origin,
  });
  const apiKey: CredentialVerifier['apiKey'] = async (key) => {
    // what cannot be a Gatehouse key is refused here, without a round trip
    if (!KEY_SHAPE.test(key)) return null;
    try {
      return await introspect(key);
    } catch {
      // discovery or introspection failed (IntrospectionUnavailable, network): not the caller's fault
      throw new HttpProblem(503, 'authorization_server_unavailable', 'Service unavailable', 'The API key could not be checked right now; retry shortly.', {}, { 'Retry-After': '1' });
    }
  };
  const authenticators = new Map<string, Authenticator>();
  const core: ResourceServerCore = {
    authenticator(call: AuthenticateCallOptions = {}) {
      const audience = call.audience ?? options.audience;
      const enforceReadOnly = call.enforceReadOnly ?? options.enforceReadOnly;
      const id = JSON.stringify([audience, enforceReadOnly ?? true, call.cost ?? 0, call.metered ?? true]);
      let authenticator = authenticators.get(id);
      if (!authenticator) {
        const jwt = createJwtVerifier({ keys: keysResolver, issuer, audience });
        authenticator = createAuthenticator({
          verifier: { jwt: (token) => jwt.verify(token), apiKey },
          allowQueryParam: options.allowQueryParam, enforceReadOnly, dpop, meter: call.metered === false ? undefined : meter, cost: call.cost, counter: options.counter,
          rateLimits: { limiter, policiesFor, failedAuthPerIp: options.failedAuthPerIp === undefined ? { limit: 100, windowSeconds: 60 } : options.failedAuthPerIp ?? undefined },
        });
        authenticators.set(id, authenticator);
      }
      return authenticator;
    },
  };
  return { ...core, ...forKoa(core), close: async () => { await reporting?.close(); } };
}
