import { hash } from 'node:crypto';
import type { Middleware } from 'koa';
import { parseApiKey } from '../src/domain/api-keys/format.js';
import type { Secrets } from '../src/domain/secrets.js';

/** What the floor knows of a key: looked up by the SHA-256 of the key. */
export interface FloorKey {
  principal: { type: 'api_key'; subject: string; organization: string; permissions: string[] };
  bucket: string;
  limit: number;
  windowMs: number;
}

interface Window { start: number; current: number; previous: number }

/**
 * The floor: what the same checks cost written plainly, as one Koa middleware with no framework
 * of its own: the credential from `Authorization: Bearer` or `X-API-Key`, the key's HMAC tag
 * checked (the shared `parseApiKey`, the one place keys are parsed), a SHA-256 digest looked up in
 * a Map, an in-memory sliding window (two fixed windows, the previous one weighted), the three
 * `RateLimit-*` headers and the permission check. A refused key is answered 401 with Gatehouse's
 * body and challenge, after its failure is counted per address in memory. No store, no cache
 * of verified keys, no metrics: the least a correct middleware does per request.
 */
export function floorMiddleware(secrets: Secrets, keys: Map<string, FloorKey>, permission: string, unauthorized: { body: string; challenge: string }): Middleware {
  const windows = new Map<string, Window>();
  const failures = new Map<string, Window>();

  const take = (map: Map<string, Window>, bucket: string, limit: number, windowMs: number, now: number) => {
    const start = Math.floor(now / windowMs) * windowMs;
    let w = map.get(bucket);
    if (!w) map.set(bucket, (w = { start, current: 0, previous: 0 }));
    if (w.start !== start) {
      w.previous = w.start === start - windowMs ? w.current : 0;
      w.current = 0;
      w.start = start;
    }
    const used = w.previous * ((windowMs - (now - start)) / windowMs) + w.current;
    if (used + 1 > limit) return { allowed: false, remaining: 0, reset: Math.ceil((start + windowMs - now) / 1000) };
    w.current++;
    return { allowed: true, remaining: Math.floor(limit - used - 1), reset: Math.ceil((start + windowMs - now) / 1000) };
  };

  const refuse = (ctx: Parameters<Middleware>[0]) => {
    take(failures, ctx.ip, 1e9, 60_000, Date.now());
    ctx.status = 401;
    ctx.set('WWW-Authenticate', unauthorized.challenge);
    ctx.type = 'application/problem+json';
    ctx.body = unauthorized.body;
  };

  return (ctx, next) => {
    const header = ctx.get('x-api-key');
    const authorization = ctx.get('authorization');
    const key = header || (authorization.startsWith('Bearer ') ? authorization.slice(7) : '');
    if (!parseApiKey(secrets, key).ok) return refuse(ctx);
    const found = keys.get(hash('sha256', key, 'base64url'));
    if (!found) return refuse(ctx);
    const window = take(windows, found.bucket, found.limit, found.windowMs, Date.now());
    if (!window.allowed) {
      ctx.status = 429;
      return undefined;
    }
    ctx.set('RateLimit-Limit', String(found.limit));
    ctx.set('RateLimit-Remaining', String(window.remaining));
    ctx.set('RateLimit-Reset', String(window.reset));
    if (!found.principal.permissions.includes(permission)) {
      ctx.status = 403;
      return undefined;
    }
    ctx.state.principal = found.principal;
    return next();
  };
}
