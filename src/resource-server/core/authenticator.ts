import { STORE_UNAVAILABLE } from '../../http/error-boundary.js';
import { HttpProblem } from '../../http/problem.js';
import { isReadOnly } from '../../domain/permissions.js';
import { StoreUnavailable, type RateLimitPolicy } from '../../store/ports.js';
import { dpopTokenMisuse } from '../dpop/problems.js';
import type { DpopVerifier } from '../dpop/verifier.js';
import { ipAllowed } from '../ip-allowlist.js';
import { isPromise, type MaybePromise } from '../maybe-async.js';
import { assertUnits, attachMeter, spend, type Meter, type MeteredPrincipal } from '../metering.js';
import type { Admission, LeasedRateLimiter, LimitPolicy } from '../rate-limiter.js';
import type { CredentialVerifier, Verified } from '../verified.js';
import { extractCredential, type Scheme } from './credential.js';
import { Admitted, type Decision } from './decision.js';
import type { AuthExchange } from './exchange.js';
import { countBy, type AuthCounter } from './counting.js';
import { FailureThrottle } from './failures.js';
import { IP_NOT_ALLOWED, READ_ONLY, TWO_CREDENTIALS, UNAUTHORIZED, tooManyRequests } from './refusals.js';

/** Methods a read-only credential may use. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

const BOUND_AS_BEARER = dpopTokenMisuse('This access token is bound to a DPoP key: send it as "Authorization: DPoP <token>" with a DPoP proof.');
const UNBOUND_AS_DPOP = dpopTokenMisuse('This access token is not bound to a DPoP key: send it as a bearer token.');


export type { AuthCounter } from './counting.js';

export interface AuthenticatorOptions {
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
  /** DPoP-bound tokens (RFC 9449); without it they are refused */
  dpop?: DpopVerifier;
  /** the metering seam (see `Meter`); none: nothing is counted and `principal.consume` does nothing */
  meter?: Meter;
  /** units every admitted request costs (checked against the quota before the route runs; needs `meter`) */
  cost?: number;
  /** told about every request an API key authenticates (in memory, O(1)) */
  usage?: { touch(keyId: string, at: Date): void };
  counter?: AuthCounter;
}

/** The framework-free resource server: a request in, a decision out. */
export interface Authenticator {
  /**
   * Authenticates `ex` by its one credential. Synchronous when every answer it needs is cached
   * (the common case); never throws nor rejects for a client's mistake: refusals are values.
   */
  authenticate(ex: AuthExchange): MaybePromise<Decision>;
  readonly meter: Meter | undefined;
}

/**
 * The decision for one request:
 * - 400 `invalid_request` when more than one credential is sent (RFC 6750 §2);
 * - 401 `invalid_token` (challenging `Bearer` and `DPoP`) for a missing, malformed, forged,
 *   unknown, revoked or expired credential: one identical body for all of them; 401 too for a
 *   DPoP-bound token sent as a bearer token, and `invalid_dpop_proof` / `use_dpop_nonce` for a
 *   missing or bad proof (RFC 9449 §7.1);
 * - 403 `ip_not_allowed` (the key's allowlist), 403 `read_only_credential` (only `:read`
 *   permissions, unsafe method);
 * - 429 `rate_limited` with `Retry-After` over the key's or the organization's limit, and for an
 *   address that keeps failing authentication (see `FailureThrottle`);
 * - else admitted, with the `RateLimit-*` headers every authenticated answer carries.
 */
export function createAuthenticator(options: AuthenticatorOptions): Authenticator {
  const { verifier, rateLimits, usage, dpop, meter, counter } = options;
  const cost = options.cost ?? 0;
  if (cost) assertUnits(cost);
  if (cost && !meter) throw new TypeError('a route cost needs a meter');
  const count = counter ? countBy(counter) : null;
  const allowQueryParam = options.allowQueryParam ?? false;
  const enforceReadOnly = options.enforceReadOnly ?? true;
  const throttle = rateLimits?.failedAuthPerIp ? new FailureThrottle(rateLimits.limiter, rateLimits.failedAuthPerIp) : null;

  /** A refused credential: counted against the address, then `refusal` (or 429 once the address is over its limit). */
  function fail(ex: AuthExchange, kind: string, refusal: HttpProblem = UNAUTHORIZED): MaybePromise<HttpProblem> {
    count?.(kind, 'invalid');
    return throttle ? throttle.fail(ex.ip(), refusal) : refusal;
  }

  function authenticate(ex: AuthExchange): MaybePromise<Decision> {
    const decision = decide(ex);
    // a dependency that failed with a problem (Gatehouse unreachable, a store past its deadline: 503) is an answer too
    return isPromise(decision) ? decision.catch(asDecision) : decision;
  }

  function decide(ex: AuthExchange): MaybePromise<Decision> {
    const credential = extractCredential(ex, allowQueryParam);
    if (credential.kind === 'none') {
      count?.('none', 'missing');
      return UNAUTHORIZED;
    }
    if (credential.kind === 'conflict') return TWO_CREDENTIALS;
    // an address over its failure limit is refused before any verification (the address is
    // looked at only while some limit is denying)
    if (throttle?.mayBlock()) {
      const blocked = throttle.blocked(ex.ip());
      if (blocked) return blocked;
    }
    const { kind, value, scheme } = credential;
    if (!value || (kind === 'api_key' && scheme === 'dpop')) return fail(ex, kind);
    if (kind === 'api_key') {
      const verified = verifier.apiKey(value);
      return isPromise(verified) ? verified.then((v) => (v ? admit(ex, kind, v, null) : fail(ex, kind))) : verified ? admit(ex, kind, verified, null) : fail(ex, kind);
    }
    const verified = verifier.jwt(value);
    return isPromise(verified) ? verified.then((v) => bound(ex, value, scheme, v)) : bound(ex, value, scheme, verified);
  }

  /** A verified JWT: its binding (RFC 9449 §7.1, §7.2) decides how it must be presented. */
  function bound(ex: AuthExchange, token: string, scheme: Scheme, verified: Verified | null): MaybePromise<Decision> {
    if (!verified) return fail(ex, 'jwt');
    if (verified.jkt === null) return scheme === 'dpop' ? fail(ex, 'jwt', UNBOUND_AS_DPOP) : admit(ex, 'jwt', verified, null);
    if (scheme !== 'dpop' || !dpop) return fail(ex, 'jwt', BOUND_AS_BEARER);
    return dpop.verify(ex, token, verified.jkt).then((refusal) => (refusal ? fail(ex, 'dpop', refusal) : admit(ex, 'dpop', verified, dpop.nonce())));
  }

  /** After verification: address, read-only and rate-limit checks. */
  function admit(ex: AuthExchange, kind: string, verified: Verified, nonce: string | null): MaybePromise<Decision> {
    if (verified.ipAllowlist.length > 0 && !ipAllowed(ex.ip(), verified.ipAllowlist)) {
      count?.(kind, 'ip_not_allowed');
      meter?.count?.(verified.principal, 'denied');
      return IP_NOT_ALLOWED;
    }
    if (enforceReadOnly && !SAFE_METHODS.has(ex.method) && isReadOnly(verified.principal.permissions)) {
      count?.(kind, 'read_only');
      meter?.count?.(verified.principal, 'denied');
      return READ_ONLY;
    }
    if (!rateLimits) return finish(kind, verified, null, nonce);
    const policies = rateLimits.policiesFor(verified);
    if (isPromise(policies)) return policies.then((p) => take(kind, verified, p, nonce));
    return take(kind, verified, policies, nonce);
  }

  function take(kind: string, verified: Verified, policies: LimitPolicy[], nonce: string | null): MaybePromise<Decision> {
    const admission = rateLimits!.limiter.take(policies);
    return isPromise(admission) ? admission.then((a) => finish(kind, verified, a, nonce)) : finish(kind, verified, admission, nonce);
  }

  function finish(kind: string, verified: Verified, admission: Admission | null, nonce: string | null): MaybePromise<Decision> {
    if (admission && !admission.allowed) {
      count?.(kind, 'rate_limited');
      meter?.count?.(verified.principal, 'rate_limited');
      return tooManyRequests(admission);
    }
    const { principal } = verified;
    if (usage && principal.key_id) usage.touch(principal.key_id, new Date());
    count?.(kind, 'ok');
    if (!meter) return new Admitted(principal, admission, nonce);
    meter.count?.(principal, 'ok');
    const metered = attachMeter(principal, meter);
    if (!cost) return new Admitted(metered, admission, nonce);
    const spent = spend(meter, principal, cost);
    return isPromise(spent) ? spent.then((over) => charged(metered, over, admission, nonce)) : charged(metered, spent, admission, nonce);
  }

  /** The declared cost's answer: admitted, or the quota's refusal (counted as `rate_limited`). */
  function charged(principal: MeteredPrincipal, over: HttpProblem | null, admission: Admission | null, nonce: string | null): Decision {
    if (!over) return new Admitted(principal, admission, nonce);
    meter!.refused?.(principal, 'rate_limited');
    return over;
  }

  return { authenticate, meter };
}

function asDecision(err: unknown): HttpProblem {
  if (err instanceof HttpProblem) return err;
  // in process, every framework's adapter answers a stuck store as Gatehouse's own routes do
  if (err instanceof StoreUnavailable) return STORE_UNAVAILABLE;
  throw err;
}
