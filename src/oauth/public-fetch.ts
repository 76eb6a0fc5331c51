import { isPublicAddress, outboundRequest } from '../net/outbound.js';

/** The most a fetched document (a client's JWK Set) may weigh. */
export const MAX_FETCH_BYTES = 64 * 1024;
/** How long a JWK Set fetch may take, unless the provider's own signal ends it sooner. */
const FETCH_TIMEOUT_MS = 10_000;

type FetchOptions = { headers?: ConstructorParameters<typeof Headers>[0]; signal?: AbortSignal | null };

/**
 * A `fetch` for the documents oidc-provider loads on a client's behalf (its `jwks_uri`): GET
 * only, through `net/outbound.ts` (addresses `allowed` accepts, checked when the socket connects;
 * no redirects followed; at most 64 KB), cancelled by the caller's signal.
 */
export const checkedFetch = (allowed: (address: string) => boolean) => async (url: URL | string, options: FetchOptions = {}): Promise<Response> => {
  const res = await outboundRequest({
    url, method: 'GET', headers: Object.fromEntries(new Headers(options.headers).entries()), allowed,
    timeoutMs: FETCH_TIMEOUT_MS, maxResponseBytes: MAX_FETCH_BYTES, signal: options.signal,
  });
  const headers = new Headers();
  for (const [name, value] of Object.entries(res.headers)) if (typeof value === 'string') headers.set(name, value);
  return new Response(res.status === 204 || res.status === 304 ? null : res.body, { status: res.status || 502, headers });
};

/** {@link checkedFetch} to public addresses only: what the server uses. */
export const publicFetch = checkedFetch(isPublicAddress);
