import { looksLikeApiKey } from '../../domain/api-keys/format.js';
import type { AuthExchange } from './exchange.js';

/** How a credential was presented: `Authorization: Bearer`, `Authorization: DPoP`, or a key-only place. */
export type Scheme = 'bearer' | 'dpop' | 'key';

/** A credential as presented, before any verification. */
export type PresentedCredential =
  | { kind: 'none' }
  /** more than one credential in one request (RFC 6750 §2: a client must use only one method) */
  | { kind: 'conflict' }
  | { kind: 'jwt' | 'api_key'; value: string; scheme: Scheme };

/** Longest credential looked at; anything longer is malformed without work. */
const MAX_LENGTH = 8192;

const NONE: PresentedCredential = Object.freeze({ kind: 'none' });
const CONFLICT: PresentedCredential = Object.freeze({ kind: 'conflict' });

/**
 * Finds the request's credential: `Authorization: Bearer <JWT | ak_…>`, `Authorization: DPoP
 * <JWT>`, `X-API-Key: ak_…` or, when allowed, `?api_key=ak_…`. An `Authorization` header of
 * another scheme or an empty token counts as a (malformed) credential, so it is answered 401 like
 * any bad credential.
 */
export function extractCredential(ex: AuthExchange, allowQueryParam: boolean): PresentedCredential {
  let count = 0;
  let value = '';
  let scheme: Scheme = 'key';
  const authorization = ex.header('authorization');
  if (authorization) {
    count++;
    scheme = 'bearer';
    const space = authorization.indexOf(' ');
    if (space === 6 && startsWithIgnoringCase(authorization, 'bearer')) {
      value = tokenAfter(authorization, space);
    } else if (space === 4 && startsWithIgnoringCase(authorization, 'dpop')) {
      value = tokenAfter(authorization, space);
      scheme = 'dpop';
    }
  }
  const header = ex.header('x-api-key');
  if (header) {
    count++;
    value = header.trim();
    scheme = 'key';
  }
  if (allowQueryParam) {
    const query = apiKeyParam(ex.url());
    if (query !== undefined) {
      count++;
      value = query ?? '';
      scheme = 'key';
    }
  }
  if (count === 0) return NONE;
  if (count > 1) return CONFLICT;
  if (value.length > MAX_LENGTH) value = '';
  return { kind: scheme === 'key' || looksLikeApiKey(value) ? 'api_key' : 'jwt', value, scheme };
}

/** Whether `header` starts with the lower-case ASCII `scheme`, in any case. */
function startsWithIgnoringCase(header: string, scheme: string): boolean {
  for (let i = 0; i < scheme.length; i++) if ((header.charCodeAt(i) | 0x20) !== scheme.charCodeAt(i)) return false;
  return true;
}

/**
 * The token of `<scheme> +<token> *`, spaces around it dropped. A token with whitespace inside is
 * passed on as it is: no key parses and no JWT verifies with it, so it gets the same 401 (and a
 * scan of a JWT-long value for whitespace is not paid on every request).
 */
function tokenAfter(header: string, space: number): string {
  let start = space;
  while (header.charCodeAt(start) === 32) start++;
  let end = header.length;
  while (end > start && header.charCodeAt(end - 1) === 32) end--;
  return header.slice(start, end);
}

/** `api_key` of the query: undefined when absent, null when repeated (not one credential). */
function apiKeyParam(url: string): string | null | undefined {
  const q = url.indexOf('?');
  if (q < 0 || !url.includes('api_key', q)) return undefined;
  const values = new URLSearchParams(url.slice(q + 1)).getAll('api_key');
  if (values.length === 0) return undefined;
  return values.length === 1 ? values[0] : null;
}
