import type { JSONWebKeySet } from 'jose';
import type { Config } from '../config/schema.js';
import type { Secrets } from '../domain/secrets.js';
import type { Store } from '../store/ports.js';
import { createAccessTokenChecker, type AccessTokenClaims } from './access-token-introspection.js';
import { forKoa } from './adapters/koa.js';
import type { AuthenticateCallOptions, ResourceServerCore } from './adapters/shared.js';
import { ApiKeyCache } from './api-key-cache.js';
import { createApiKeyVerifier, type ApiKeyOutcome } from './api-key-verifier.js';
import { createAuthenticator, type AuthCounter, type Authenticator } from './core/authenticator.js';
import { DpopNonces } from './dpop/nonce.js';
import { storeReplayGuard } from './dpop/replay.js';
import { createDpopVerifier, type DpopVerifier } from './dpop/verifier.js';
import { localKeys } from './jwks.js';
import { createJwtVerifier } from './jwt-verifier.js';
import { createLimitResolver } from './limits.js';
import type { MaybePromise } from './maybe-async.js';
import type { Meter } from './metering.js';
import { LeasedRateLimiter } from './rate-limiter.js';

export interface InProcessDeps {
  config: Pick<Config, 'issuer' | 'apiKeys' | 'plans' | 'defaultPlan' | 'throttles'> & { oauth?: Pick<Config['oauth'], 'dpop'> };
  store: Pick<Store, 'apiKeys' | 'organizations' | 'rateLimits' | 'singleUse'>;
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
  /** the metering seam (issue 12); none: nothing is metered */
  meter?: Meter;
  counter?: AuthCounter;
}

/** The resource server of one Gatehouse instance (the store is in reach). */
export interface InProcessResourceServer extends ResourceServerCore, ReturnType<typeof forKoa> {
  /** forget a key's cached record at once (ApiKeyService `onChange`) */
  invalidateKey(keyId: string): void;
  /** the full API-key check (introspection uses it) */
  checkApiKey(presented: string): MaybePromise<ApiKeyOutcome>;
  /** verifies an access token of this issuer whatever its audience (introspection uses it) */
  checkAccessToken(token: string): Promise<AccessTokenClaims | null>;
  /** DPoP proof checks with the store's replay cache and Gatehouse's nonces (userinfo uses it) */
  dpop: DpopVerifier;
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
 * `LeasedRateLimiter`), DPoP proofs' `jti`s claimed once in `store.singleUse` (shared by every
 * instance) and nonces derived from GATEHOUSE_SECRET as the token endpoint's are.
 */
export function createInProcessResourceServer(deps: InProcessDeps): InProcessResourceServer {
  const { config, store, secrets } = deps;
  const keyCache = new ApiKeyCache({ store: store.apiKeys, stalenessMs: config.apiKeys.cacheStalenessMs, maxEntries: config.apiKeys.cacheMaxEntries });
  const apiKeys = createApiKeyVerifier(secrets, keyCache);
  const keys = localKeys({ load: deps.publicJwks });
  deps.onKeysChange?.(() => void keys.reload());
  const limiter = new LeasedRateLimiter(store.rateLimits);
  const policiesFor = createLimitResolver(config, store.organizations);
  const dpopConfig = config.oauth?.dpop ?? { requireNonce: false, iatWindowSeconds: 300 };
  const dpop = createDpopVerifier({
    replay: storeReplayGuard(store.singleUse), nonces: new DpopNonces(secrets.key('dpop-nonce')),
    requireNonce: dpopConfig.requireNonce, iatWindowSeconds: dpopConfig.iatWindowSeconds,
  });
  const authenticators = new Map<string, Authenticator>();

  const core: ResourceServerCore = {
    authenticator(options: AuthenticateCallOptions = {}) {
      const audience = options.audience ?? `${config.issuer}/v1`;
      const id = JSON.stringify([audience, options.enforceReadOnly ?? true, options.cost ?? 0, options.metered ?? true]);
      let authenticator = authenticators.get(id);
      if (!authenticator) {
        const jwt = createJwtVerifier({ keys, issuer: config.issuer, audience });
        authenticator = createAuthenticator({
          verifier: { jwt: (token) => jwt.verify(token), apiKey: (key) => apiKeys.verify(key) },
          allowQueryParam: config.apiKeys.allowQueryParam, enforceReadOnly: options.enforceReadOnly,
          rateLimits: { limiter, policiesFor, failedAuthPerIp: config.throttles.failedAuthPerIp },
          dpop, meter: options.metered === false ? undefined : deps.meter, cost: options.cost, usage: deps.usage, counter: deps.counter,
        });
        authenticators.set(id, authenticator);
      }
      return authenticator;
    },
  };

  return {
    ...core,
    ...forKoa(core),
    invalidateKey: (keyId) => keyCache.invalidate(keyId),
    checkApiKey: (presented) => apiKeys.check(presented),
    checkAccessToken: createAccessTokenChecker(keys, config.issuer),
    dpop,
    limiter,
    keyCache,
    start: () => keyCache.start(),
    close: () => keyCache.stop(),
  };
}
