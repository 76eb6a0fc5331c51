import type { Context, Middleware, Next } from 'koa';
import { LRUCache } from 'lru-cache';
import type { Principal } from '../domain/principal.js';
import { isReadOnly } from '../domain/permissions.js';
import { problems } from '../http/problem.js';
import type { RateLimitPolicy } from '../store/ports.js';
import { boundChildren } from '../ops/bound-counters.js';
import { extractCredential } from './credential.js';
import { rateLimitHeaders, secondsUntil } from './headers.js';
import { ipAllowed } from './ip-allowlist.js';
import { isPromise, then, type MaybePromise } from './maybe-async.js';
import type { Admission, LeasedRateLimiter, LimitPolicy } from './rate-limiter.js';
import type { CredentialVerifier, Verified } from './verified.js';

/** Methods a read-only credential may use. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Counts of credential checks (e.g. the Prometheus counter `gatehouse_authentications_total`). */
export interface AuthCounter {
  labels(labels: { kind: string; outcome: string }): { inc(): void };
}

export interface AuthenticateOptions {
  verifier: CredentialVerifier;
  /** accept `?api_key=` (config `apiKeys.allowQueryParam`) */
  allowQueryParam?: boolean;
  /** refuse non-safe methods to credentials holding only `:read` permissions (default true) */
  enforceReadOnly?: boolean;
  /** rate limits; without them no limit is applied and no `RateLimit-*` header is sent */
  rateLimits?: {
    limiter: LeasedRateLimiter;
    /** the policies a verified credential is subject to */
    policiesFor: (verified: Verified) => MaybePromise<LimitPolicy[]>;
    /** failed authentication attempts allowed per client address */
    failedAuthPerIp?: RateLimitPolicy;
  };
  /** told about every request an API key authenticates (in memory, O(1)) */
  usage?: { touch(keyId: string, at: Date): void };
  counter?: AuthCounter;
}

/** The one answer for every bad credential: callers cannot tell forged from unknown from revoked. */
const UNAUTHORIZED = problems.unauthorized();

/**
 * Koa middleware: authenticates the request by its one credential (a JWT access token or an API
 * key) and sets `ctx.state.principal`, or answers:
 * - 400 `invalid_request` when more than one credential is sent (RFC 6750 §2);
 * - 401 `invalid_token` with `WWW-Authenticate: Bearer` for a missing, malformed, forged,
 *   unknown, revoked or expired credential: one identical body for all of them;
 * - 403 `ip_not_allowed` (key's IP allowlist, matched on `ctx.ip`, which honours
 *   `GATEHOUSE_TRUST_PROXY`), 403 `read_only_credential` (only `:read` permissions, unsafe method);
 * - 429 `rate_limited` with `Retry-After` over the key's or the organization's limit, and for an
 *   address that keeps failing authentication (`failedAuthPerIp`).
 * Every authenticated response carries `RateLimit-Limit`, `-Remaining` and `-Reset`.
 */
export function authenticate(options: AuthenticateOptions): Middleware {
  const { verifier, rateLimits, usage } = options;
  const { counter } = options;
  const outcomes = counter && boundChildren((labels: { kind: string; outcome: string }) => counter.labels(labels));
  const count = (kind: string, outcome: string) => outcomes?.(`${kind}|${outcome}`, () => ({ kind, outcome })).inc();
  const allowQueryParam = options.allowQueryParam ?? false;
  const enforceReadOnly = options.enforceReadOnly ?? true;
  // one policy list per address, so the limiter's per-policy key is computed once per address
  // (and no array is allocated per failed request)
  const failurePolicies = new LRUCache<string, [LimitPolicy]>({ max: 10_000 });
  const failurePolicy = (ip: string): [LimitPolicy] | null => {
    const throttle = rateLimits?.failedAuthPerIp;
    if (!throttle) return null;
    let policy = failurePolicies.get(ip);
    if (!policy) failurePolicies.set(ip, (policy = [{ bucket: `authfail:${ip}`, limit: throttle.limit, windowMs: throttle.windowSeconds * 1000 }]));
    return policy;
  };
  const tooMany = (admission: Admission) => {
    const headers = rateLimitHeaders(admission);
    return problems.tooManyRequests(secondsUntil(admission.resetAt), headers);
  };

  /**
   * A refused credential: counted against the address, then the one 401 (or 429 once the address
   * is over its limit). Rejects rather than throws: the answer is the same, and a `throw` costs
   * V8 a message object per failed request, which a flood of forged keys would pay in full.
   */
  function fail(ctx: Context, kind: string): Promise<never> {
    count(kind, 'invalid');
    const policy = failurePolicy(ctx.ip);
    if (!policy) return Promise.reject(UNAUTHORIZED);
    const admission = rateLimits!.limiter.take(policy);
    if (isPromise(admission)) return admission.then((a) => Promise.reject(refusal(a)));
    return Promise.reject(refusal(admission));
  }

  const refusal = (admission: Admission | null) => (admission && !admission.allowed ? tooMany(admission) : UNAUTHORIZED);

  /** After verification: address, read-only and rate-limit checks, then the route. */
  function admit(ctx: Context, next: Next, kind: string, verified: Verified | null): MaybePromise<unknown> {
    if (!verified) return fail(ctx, kind);
    const { principal } = verified;
    if (!ipAllowed(ctx.ip, verified.ipAllowlist)) {
      count(kind, 'ip_not_allowed');
      throw problems.forbidden('ip_not_allowed', 'This credential may not be used from this address.');
    }
    if (enforceReadOnly && !SAFE_METHODS.has(ctx.method) && isReadOnly(principal.permissions)) {
      count(kind, 'read_only');
      throw problems.forbidden('read_only_credential', 'This credential is read-only: it may only make GET, HEAD and OPTIONS requests.');
    }
    if (!rateLimits) return proceed(ctx, next, kind, principal, null);
    return then(rateLimits.policiesFor(verified), (policies) =>
      then(rateLimits.limiter.take(policies), (admission) => proceed(ctx, next, kind, principal, admission)));
  }

  function proceed(ctx: Context, next: Next, kind: string, principal: Principal, admission: Admission | null): Promise<unknown> {
    if (admission) {
      if (!admission.allowed) {
        count(kind, 'rate_limited');
        throw tooMany(admission);
      }
      ctx.set('RateLimit-Limit', String(admission.limit));
      ctx.set('RateLimit-Remaining', String(admission.remaining));
      ctx.set('RateLimit-Reset', String(secondsUntil(admission.resetAt)));
    }
    if (principal.key_id) usage?.touch(principal.key_id, new Date());
    count(kind, 'ok');
    ctx.state.principal = principal;
    return next();
  }

  // not `async`: a request whose answers are all cached runs without creating a promise of its
  // own; errors still leave as a rejected promise, as callers of a middleware expect
  return function authenticateRequest(ctx, next) {
    try {
      return authenticateNow(ctx, next);
    } catch (err) {
      return Promise.reject(err);
    }
  };

  function authenticateNow(ctx: Context, next: Next): Promise<unknown> {
    const credential = extractCredential(ctx, { allowQueryParam });
    if (credential.kind === 'none') {
      count('none', 'missing');
      return Promise.reject(UNAUTHORIZED);
    }
    if (credential.kind === 'conflict')
      throw problems.badRequest('invalid_request', 'Send exactly one credential: an Authorization bearer token or an X-API-Key header.');

    // an address over its failure limit is refused before any verification; the address's
    // policy is looked up only while some bucket is denying (rare), or once a credential fails
    if (rateLimits?.failedAuthPerIp && rateLimits.limiter.hasActiveDenials()) {
      const [blocked] = failurePolicy(ctx.ip)!;
      if (rateLimits.limiter.isBlocked(blocked)) throw tooMany(rateLimits.limiter.blockedAdmission(blocked));
    }

    const { kind, value } = credential;
    if (!value) return fail(ctx, kind);
    const verified = kind === 'api_key' ? verifier.apiKey(value) : verifier.jwt(value);
    return then(verified, (v) => admit(ctx, next, kind, v)) as Promise<unknown>;
  }
}
