import type { JSONWebKeySet } from 'jose';
import type { Middleware } from 'koa';
import type { Config } from '../config/schema.js';
import type { Secrets } from '../domain/secrets.js';
import type { Store } from '../store/ports.js';
import { createAccessTokenChecker, type AccessTokenClaims } from './access-token-introspection.js';
import { ApiKeyCache } from './api-key-cache.js';
import { createApiKeyVerifier, type ApiKeyOutcome } from './api-key-verifier.js';
import { authenticate, type AuthCounter } from './authenticate.js';
import { requireEnvironment, requirePermissions } from './guards.js';
import { localKeys } from './jwks.js';
import { createJwtVerifier, type JwtVerifier } from './jwt-verifier.js';
import { createLimitResolver } from './limits.js';
import { LeasedRateLimiter } from './rate-limiter.js';
import { then, type MaybePromise } from './maybe-async.js';
import { jwtVerifiedCache } from './verified-of.js';
import type { CredentialVerifier } from './verified.js';

export interface InProcessDeps {
  config: Pick<Config, 'issuer' | 'apiKeys' | 'plans' | 'defaultPlan' | 'throttles'>;
  store: Pick<Store, 'apiKeys' | 'organizations' | 'rateLimits'>;
  secrets: Secrets;
  /**
   * The public JWKS, read when the verifier first needs keys, after `onKeysChange`, and on an
   * unknown `kid` (at most once per 30 s): in Gatehouse it re-reads the signing keys from the
   * store, so a key another instance just rotated in is known at its first token.
   */
  publicJwks: () => JSONWebKeySet | Promise<JSONWebKeySet>;
  /** subscribe to signing-key changes, so a rotation is picked up at once */
  onKeysChange?: (listener: () => void) => unknown;
  usage?: { touch(keyId: string, at: Date): void };
  counter?: AuthCounter;
}

export interface AuthenticateCallOptions {
  /** audience(s) accepted in JWTs; default `<issuer>/v1` (the management API) */
  audience?: string | string[];
  /** refuse non-safe methods to read-only credentials (default true) */
  enforceReadOnly?: boolean;
}

/** The resource server of one Gatehouse instance (the store is in reach). */
export interface InProcessResourceServer {
  /** the middleware (see `authenticate`), for the given audience */
  authenticate(options?: AuthenticateCallOptions): Middleware;
  requirePermissions: typeof requirePermissions;
  requireEnvironment: typeof requireEnvironment;
  /** forget a key's cached record at once (ApiKeyService `onChange`) */
  invalidateKey(keyId: string): void;
  /** the full API-key check (introspection uses it) */
  checkApiKey(presented: string): MaybePromise<ApiKeyOutcome>;
  /** verifies an access token of this issuer whatever its audience (introspection uses it) */
  checkAccessToken(token: string): Promise<AccessTokenClaims | null>;
  limiter: LeasedRateLimiter;
  keyCache: ApiKeyCache;
  /** starts the key-cache poller */
  start(): void;
  close(): void;
}

/**
 * Builds the in-process resource server: API keys checked against the store through a cache
 * whose staleness is bounded by `config.apiKeys.cacheStalenessMs` (see `ApiKeyCache`), JWTs
 * against the signing-key service's JWKS, rate limits leased from `store.rateLimits` (see
 * `LeasedRateLimiter`).
 */
export function createInProcessResourceServer(deps: InProcessDeps): InProcessResourceServer {
  const { config, store, secrets } = deps;
  const keyCache = new ApiKeyCache({ store: store.apiKeys, stalenessMs: config.apiKeys.cacheStalenessMs, maxEntries: config.apiKeys.cacheMaxEntries });
  const checkApiKey = createApiKeyVerifier(secrets, keyCache);
  const keys = localKeys({ load: deps.publicJwks });
  deps.onKeysChange?.(() => void keys.reload());
  const limiter = new LeasedRateLimiter(store.rateLimits);
  const policiesFor = createLimitResolver(config, store.organizations);
  const jwtVerifiers = new Map<string, JwtVerifier>();

  const jwtVerifierFor = (audience: string | string[]): JwtVerifier => {
    const id = JSON.stringify(audience);
    let verifier = jwtVerifiers.get(id);
    if (!verifier) {
      verifier = createJwtVerifier({ keys, issuer: config.issuer, audience });
      jwtVerifiers.set(id, verifier);
    }
    return verifier;
  };

  return {
    authenticate(options = {}) {
      const jwt = jwtVerifierFor(options.audience ?? `${config.issuer}/v1`);
      const verifiedOf = jwtVerifiedCache();
      const verifier: CredentialVerifier = {
        jwt: (token) => then(jwt.verify(token), verifiedOf),
        apiKey: (key) => then(checkApiKey(key), (outcome) => (outcome.ok ? outcome.verified : null)),
      };
      return authenticate({
        verifier, allowQueryParam: config.apiKeys.allowQueryParam, enforceReadOnly: options.enforceReadOnly,
        rateLimits: { limiter, policiesFor, failedAuthPerIp: config.throttles.failedAuthPerIp },
        usage: deps.usage, counter: deps.counter,
      });
    },
    requirePermissions,
    requireEnvironment,
    invalidateKey: (keyId) => keyCache.invalidate(keyId),
    checkApiKey,
    checkAccessToken: createAccessTokenChecker(keys, config.issuer),
    limiter,
    keyCache,
    start: () => keyCache.start(),
    close: () => keyCache.stop(),
  };
}
