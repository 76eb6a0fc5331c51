import type { Middleware } from 'koa';
import getRawBody from 'raw-body';
import type { Client, RateLimitStore, SingleUseStore } from '../store/ports.js';
import { clientAuthenticator, isClientAuthFailure, refuseClient } from './client-authenticator.js';
import type { LeasedRateLimiter } from './rate-limiter.js';

/** Where remote resource servers take rate-limit leases and claim DPoP proofs, under the issuer. */
export const SERVICE_PATHS = { rateLimit: '/resource-server/rate-limit', dpopProof: '/resource-server/dpop-proof' } as const;

/** Calls one client (one protected service) may make to these endpoints per minute. */
const CALLS_PER_MINUTE = 6000;
const BODY_LIMIT = 4096;
const MAX_WINDOW_SECONDS = 86_400;
const MAX_CLAIM_MS = 15 * 60_000;

export interface ServiceEndpointsDeps {
  rateLimits: RateLimitStore;
  singleUse: SingleUseStore;
  /** throttles the endpoints themselves, per client */
  limiter: LeasedRateLimiter;
  verifyClient(clientId: string, secret: string): Promise<Client | null>;
  now?: () => number;
}

const isInt = (v: unknown, lo: number, hi: number): v is number => Number.isInteger(v) && (v as number) >= lo && (v as number) <= hi;
const isName = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= 200;

/**
 * What remote resource servers share through Gatehouse, so that every instance of a protected
 * service enforces one limit and accepts a DPoP proof once (SPEC §5):
 *
 * - `POST /resource-server/rate-limit` `{bucket, limit, window_seconds, cost}` → `{allowed,
 *   used, reset_at}`: one atomic take from the store's sliding-window counter (the remote side
 *   leases blocks of units, so this is about one call per 100 requests);
 * - `POST /resource-server/dpop-proof` `{key, expires_at}` → `{claimed}`: a single-use claim.
 *
 * Callers authenticate as a confidential client (`client_secret_basic` / `_post`), like
 * introspection. Every bucket and key is kept under the caller's client id, so a service can
 * only count and claim in its own namespace: it can neither drain nor read another's. Inputs are
 * bounded (names ≤ 200 characters, windows ≤ 1 day, claims ≤ 15 min) and each client may call
 * 6000 times a minute.
 */
export function resourceServerEndpoints(deps: ServiceEndpointsDeps): Middleware {
  const now = deps.now ?? Date.now;
  const authenticateClient = clientAuthenticator({ verifyClient: deps.verifyClient });
  return async function serviceEndpoints(ctx, next) {
    const isRateLimit = ctx.path === SERVICE_PATHS.rateLimit;
    if ((!isRateLimit && ctx.path !== SERVICE_PATHS.dpopProof) || ctx.method !== 'POST') return next();
    ctx.set('Cache-Control', 'no-store');
    let body: Record<string, unknown>;
    try {
      const text = await getRawBody(ctx.req, { limit: BODY_LIMIT, length: ctx.request.length, encoding: 'utf8' });
      body = JSON.parse(text);
      if (!ctx.is('application/json') || !body || typeof body !== 'object' || Array.isArray(body)) throw new Error('not an object');
    } catch {
      ctx.status = 400;
      ctx.body = { error: 'invalid_request', error_description: 'the body must be a JSON object of at most 4 KB' };
      return;
    }
    const client = await authenticateClient(ctx, body);
    if (isClientAuthFailure(client)) return refuseClient(ctx, client);
    const throttle = await deps.limiter.take([{ bucket: `rsapi:${client.clientId}`, limit: CALLS_PER_MINUTE, windowMs: 60_000 }]);
    if (throttle && !throttle.allowed) {
      ctx.status = 429;
      ctx.set('Retry-After', String(Math.max(1, Math.ceil((throttle.resetAt - now()) / 1000))));
      ctx.body = { error: 'rate_limited', error_description: `at most ${CALLS_PER_MINUTE} calls a minute per client` };
      return;
    }
    const namespace = `rs:${client.clientId}:`;
    const invalid = (description: string) => {
      ctx.status = 400;
      ctx.body = { error: 'invalid_request', error_description: description };
    };
    if (isRateLimit) {
      const { bucket, limit, window_seconds: windowSeconds, cost } = body;
      if (!isName(bucket) || !isInt(limit, 1, 1e9) || !isInt(windowSeconds, 1, MAX_WINDOW_SECONDS) || !isInt(cost, 1, 1e9))
        return invalid('bucket (≤ 200 characters), limit, window_seconds (≤ 86400) and cost are required whole numbers');
      const result = await deps.rateLimits.take({ bucket: namespace + bucket, limit, windowMs: windowSeconds * 1000, cost, now: now() });
      ctx.body = { allowed: result.allowed, used: result.used, reset_at: result.resetAt };
      return;
    }
    const { key, expires_at: expiresAt } = body;
    const at = now();
    if (!isName(key) || !isInt(expiresAt, at, at + MAX_CLAIM_MS)) return invalid('key (≤ 200 characters) and expires_at (ms epoch, within 15 minutes) are required');
    ctx.body = { claimed: await deps.singleUse.claim(namespace + key, new Date(expiresAt), new Date(at)) };
  };
}
