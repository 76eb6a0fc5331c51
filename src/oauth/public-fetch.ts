import { isPublicAddress, outboundRequest } from '../net/outbound.js';

/** The most a fetched document (a client's JWK Set) may weigh. */
export const MAX_FETCH_BYTES = 64 * 1024;
/** How long a fetch may take by default, unless the caller's own signal ends it sooner. */
const FETCH_TIMEOUT_MS = 10_000;

type FetchOptions = { headers?: ConstructorParameters<typeof Headers>[0]; signal?: AbortSignal | null; method?: string; body?: unknown };

/**
 * A `fetch` for what Gatehouse loads from a URL a customer chose: a client's `jwks_uri` (for
 * oidc-provider), an identity provider's metadata, keys and token endpoint (for openid-client,
 * whose token requests POST a form). GET, or POST with a text or form body, through
 * `net/outbound.ts` (addresses `allowed` accepts, checked when the socket connects; no redirects
 * followed; at most 64 KB), cancelled by the caller's signal or after `timeoutMs`.
 */
export const checkedFetch = (allowed: (address: string) => boolean, timeoutMs = FETCH_TIMEOUT_MS) => async (url: URL | string, options: FetchOptions = {}): Promise<Response> => {
  const method = (options.method ?? 'GET').toUpperCase();
  if (method !== 'GET' && method !== 'POST') throw new TypeError(`${method} requests are not made`);
  const res = await outboundRequest({
    url, method, headers: Object.fromEntries(new Headers(options.headers).entries()), allowed,
    body: options.body == null ? undefined : String(options.body),
    timeoutMs, maxResponseBytes: MAX_FETCH_BYTES, signal: options.signal,
  });
  const headers = new Headers();
  for (const [name, value] of Object.entries(res.headers)) if (typeof value === 'string') headers.set(name, value);
  return new Response(res.status === 204 || res.status === 304 ? null : res.body, { status: res.status || 502, headers });
};

/** {@link checkedFetch} to public addresses only: what the server uses. */
export const publicFetch = checkedFetch(isPublicAddress);
