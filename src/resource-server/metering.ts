import type { Principal } from '../domain/principal.js';
import { HttpProblem } from '../http/problem.js';
import { secondsUntil } from './headers.js';
import type { MaybePromise } from './maybe-async.js';

/**
 * The metering seam (SPEC §5 "Metering", §9 quotas). Issue 12 implements a `Meter` (monthly
 * units per organization, test keys never counted, remote services reporting to Gatehouse);
 * until then none is configured and nothing is counted. Where it plugs in:
 *
 * - the `cost(n)` guard of every adapter asks `check(principal, n)` before the route runs (an
 *   organization over its quota gets 429 `quota_exceeded` with the reset time) and then
 *   `record(principal, n)`;
 * - `principal.consume(n)`, callable by any route on the principal it was given, reports units
 *   known only once the work is done (`record`). Without a meter it does nothing.
 *
 * Both sit after authentication and the rate limits, on principals the resource server already
 * trusts; a `Meter` must answer `check` from memory on the common path (leases, like the rate
 * limiter) to keep the hot path free of store round trips.
 */
export interface Meter {
  /** null: go on; else the organization's quota is spent until `resetAt` (ms epoch) */
  check(principal: Principal, units: number): MaybePromise<{ resetAt: number } | null>;
  /** counts `units` against the principal's organization */
  record(principal: Principal, units: number): void;
}

/** A principal as routes receive it: `consume(n)` reports units used (see `Meter`). */
export type MeteredPrincipal = Principal & { consume(units: number): void };

const NOTHING_TO_METER = (): void => {};

/**
 * Gives a shared principal its do-nothing `consume` (not enumerable: JSON and equality ignore
 * it), so routes may call it whether or not a meter is configured.
 */
export function withConsume<P extends Principal>(principal: P): P & MeteredPrincipal {
  Object.defineProperty(principal, 'consume', { value: NOTHING_TO_METER, enumerable: false });
  return principal as P & MeteredPrincipal;
}

/** The principal of one metered request: the shared one, with `consume` bound to the meter. */
export function meteredPrincipal(principal: Principal, meter: Meter): MeteredPrincipal {
  const request = { ...principal } as MeteredPrincipal;
  Object.defineProperty(request, 'consume', { value: (units: number) => meter.record(principal, units), enumerable: false });
  return request;
}

/** 429 `quota_exceeded`: the organization's units for the period are used up until `resetAt`. */
export function quotaExceeded(resetAt: number): HttpProblem {
  const retryAfter = secondsUntil(resetAt);
  return new HttpProblem(429, 'quota_exceeded', 'Quota exceeded', `The organization's usage quota is used up; it resets at ${new Date(resetAt).toISOString()}.`,
    { retry_after: retryAfter, reset_at: new Date(resetAt).toISOString() }, { 'Retry-After': String(retryAfter) });
}
