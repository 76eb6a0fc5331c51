import type { KeyMetadata } from '../domain/api-keys/metadata.js';
import type { Principal } from '../domain/principal.js';
import type { KeyEnvironment } from '../store/ports.js';
import { withConsume } from './metering.js';
import { HashedCache } from './token-cache.js';
import type { Verified } from './verified.js';

export interface IntrospectionClientOptions {
  /** the authorization server's `introspection_endpoint` */
  endpoint: () => Promise<string>;
  clientId: string;
  clientSecret: string;
  /** how long an active answer is reused (default 5 s; never past the key's `exp`) */
  positiveTtlMs?: number;
  /** how long an inactive answer is reused (default 1 s) */
  negativeTtlMs?: number;
  maxEntries?: number;
  timeoutMs?: number;
  fetch?: typeof fetch;
  now?: () => number;
}

/** The authorization server could not be asked (network, timeout, a non-200 answer). */
export class IntrospectionUnavailable extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'IntrospectionUnavailable';
  }
}

function basic(id: string, secret: string): string {
  // RFC 6749 §2.3.1: form-encode both parts before base64
  const enc = (s: string) => encodeURIComponent(s).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${enc(id)}:${enc(secret)}`).toString('base64')}`;
}

/** The key's metadata from an answer: its flat string, number and boolean entries, frozen (`{}` when absent). */
function metadataOf(value: unknown): Readonly<KeyMetadata> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return Object.freeze({});
  const entries = Object.entries(value).filter(([, v]) => ['string', 'number', 'boolean'].includes(typeof v));
  return Object.freeze(Object.fromEntries(entries) as KeyMetadata);
}

/** What an RFC 7662 answer for an API key says, as a verified credential; null when inactive. */
export function verifiedFromIntrospection(answer: Record<string, unknown>): Verified | null {
  if (answer.active !== true || answer.token_type !== 'api_key' || typeof answer.key_id !== 'string') return null;
  const environment = answer.environment === 'live' || answer.environment === 'test' ? (answer.environment as KeyEnvironment) : null;
  const scope = typeof answer.scope === 'string' ? answer.scope : '';
  const principal = Object.freeze(withConsume<Principal>({
    type: 'api_key', subject: answer.key_id, key_id: answer.key_id,
    organization: typeof answer.organization === 'string' ? answer.organization : null,
    environment, permissions: scope ? scope.split(' ') : [], metadata: metadataOf(answer.metadata),
  }));
  const rl = answer.rate_limit as { limit?: unknown; window_seconds?: unknown } | undefined;
  const rateLimit = rl && typeof rl.limit === 'number' && typeof rl.window_seconds === 'number'
    ? { limit: rl.limit, windowSeconds: rl.window_seconds } : null;
  const ipAllowlist = Array.isArray(answer.ip_allowlist) ? answer.ip_allowlist.filter((c): c is string => typeof c === 'string') : [];
  return { principal, ipAllowlist, rateLimit, jkt: null };
}

/**
 * Checks API keys through RFC 7662 introspection (client_secret_basic), with a short bounded
 * cache keyed by the key's SHA-256 (never the key): active answers for `positiveTtlMs`, inactive
 * ones for `negativeTtlMs`, and one request in flight per key. So a revoked key stops working at
 * a remote resource server within `positiveTtlMs` (default 5 s) of its revocation.
 */
export function createIntrospectionClient(options: IntrospectionClientOptions) {
  const now = options.now ?? Date.now;
  const positiveTtl = options.positiveTtlMs ?? 5_000;
  const negativeTtl = options.negativeTtlMs ?? 1_000;
  const doFetch = options.fetch ?? fetch;
  const cache = new HashedCache<{ verified: Verified | null }>(options.maxEntries ?? 10_000, now);
  const inFlight = new Map<string, Promise<Verified | null>>();
  const authorization = basic(options.clientId, options.clientSecret);

  async function ask(key: string, cacheKey: string): Promise<Verified | null> {
    let response: Response;
    try {
      response = await doFetch(await options.endpoint(), {
        method: 'POST',
        headers: { authorization, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: new URLSearchParams({ token: key, token_type_hint: 'api_key' }).toString(),
        signal: AbortSignal.timeout(options.timeoutMs ?? 5_000),
      });
    } catch (cause) {
      throw new IntrospectionUnavailable('introspection request failed', { cause });
    }
    if (response.status !== 200) throw new IntrospectionUnavailable(`introspection answered ${response.status}`);
    const answer = (await response.json()) as Record<string, unknown>;
    const verified = verifiedFromIntrospection(answer);
    const exp = typeof answer.exp === 'number' ? answer.exp * 1000 : Infinity;
    cache.set(cacheKey, { verified }, verified ? Math.min(now() + positiveTtl, exp) : now() + negativeTtl);
    return verified;
  }

  return async function introspectApiKey(key: string): Promise<Verified | null> {
    const cacheKey = HashedCache.keyOf(key);
    const hit = cache.get(cacheKey);
    if (hit) return hit.verified;
    let pending = inFlight.get(cacheKey);
    if (!pending) {
      pending = ask(key, cacheKey).finally(() => inFlight.delete(cacheKey));
      inFlight.set(cacheKey, pending);
    }
    return pending;
  };
}
