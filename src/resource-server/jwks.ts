import { createLocalJWKSet, createRemoteJWKSet, errors, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';

/** Where a verifier gets its public keys: a function jose's `jwtVerify` accepts. */
export type KeyResolver = JWTVerifyGetKey;

export interface LocalKeysOptions {
  /** the current public JWKS (in process: the signing-key service) */
  load: () => Promise<JSONWebKeySet> | JSONWebKeySet;
  /** least time between two reloads caused by an unknown `kid` (default 30 s) */
  cooldownMs?: number;
  now?: () => number;
}

/**
 * Keys from an in-process JWKS. An unknown `kid` reloads the set at most once per `cooldownMs`
 * (counted between such reloads, not from the first load, so a key rotated in by another
 * instance is found at its first token), and tokens naming made-up kids cannot turn every
 * request into a reload. Only the keys of the set are used: jose never follows `jku`/`x5u` nor
 * trusts an embedded `jwk` with a key set.
 */
export function localKeys(options: LocalKeysOptions): KeyResolver & { reload(): Promise<void> } {
  const cooldownMs = options.cooldownMs ?? 30_000;
  const now = options.now ?? Date.now;
  let current: ReturnType<typeof createLocalJWKSet> | null = null;
  let unknownKidReloadAt = -Infinity;
  let loading: Promise<void> | null = null;

  const reload = (): Promise<void> => {
    loading ??= (async () => {
      try {
        current = createLocalJWKSet(await options.load());
      } finally {
        loading = null;
      }
    })();
    return loading;
  };

  const resolver = (async (header, token) => {
    if (!current) await reload();
    try {
      return await current!(header, token);
    } catch (err) {
      if (!(err instanceof errors.JWKSNoMatchingKey) || now() - unknownKidReloadAt < cooldownMs) throw err;
      unknownKidReloadAt = now();
      await reload();
      return current!(header, token);
    }
  }) as KeyResolver & { reload(): Promise<void> };
  resolver.reload = reload;
  return resolver;
}

/**
 * Keys from a remote `jwks_uri` (jose's remote set: cached, refreshed on an unknown `kid` at most
 * once per `cooldownMs`, fetched with a timeout).
 */
export function remoteKeys(jwksUri: string, options: { cooldownMs?: number; cacheMaxAgeMs?: number; timeoutMs?: number } = {}): KeyResolver {
  return createRemoteJWKSet(new URL(jwksUri), {
    cooldownDuration: options.cooldownMs ?? 30_000,
    cacheMaxAge: options.cacheMaxAgeMs ?? 10 * 60_000,
    timeoutDuration: options.timeoutMs ?? 5_000,
  });
}
