import type { Context } from 'koa';
import { looksLikeApiKey } from '../domain/api-keys/format.js';

/** A credential as presented, before any verification. */
export type PresentedCredential =
  | { kind: 'none' }
  /** more than one credential in one request (RFC 6750 §2: a client must use only one method) */
  | { kind: 'conflict' }
  | { kind: 'jwt' | 'api_key'; value: string };

/** Longest credential looked at; anything longer is malformed without work. */
const MAX_LENGTH = 8192;

export interface ExtractOptions {
  /** accept `?api_key=` (off by default: query strings end up in logs and proxies) */
  allowQueryParam: boolean;
}

/**
 * Finds the request's credential: `Authorization: Bearer <JWT | ak_…>`, `X-API-Key: ak_…` or,
 * when allowed, `?api_key=ak_…`. An `Authorization` header of another scheme or an empty bearer
 * counts as a (malformed) credential, so it is answered 401 like any bad credential.
 */
export function extractCredential(ctx: Context, options: ExtractOptions): PresentedCredential {
  let count = 0;
  let value = '';
  // only the bearer header may carry a JWT; the key-only places are always API keys
  let keyOnly = false;
  const authorization = ctx.get('authorization');
  if (authorization) {
    count++;
    value = /^Bearer +([^\s]+) *$/i.exec(authorization)?.[1] ?? '';
  }
  const header = ctx.get('x-api-key');
  if (header) {
    count++;
    value = header.trim();
    keyOnly = true;
  }
  if (options.allowQueryParam) {
    const query = ctx.query.api_key;
    if (query !== undefined) {
      count++;
      value = typeof query === 'string' ? query : '';
      keyOnly = true;
    }
  }
  if (count === 0) return { kind: 'none' };
  if (count > 1) return { kind: 'conflict' };
  if (value.length > MAX_LENGTH) value = '';
  return { kind: keyOnly || looksLikeApiKey(value) ? 'api_key' : 'jwt', value };
}
