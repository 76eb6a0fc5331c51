import type { Principal } from '../domain/principal.js';
import { HttpProblem } from '../http/problem.js';
import { secondsUntil } from './headers.js';
import { then, type MaybePromise } from './maybe-async.js';

/** How a request an authenticated credential made ended, as usage counts it (SPEC §9). */
export type RequestOutcome = 'ok' | 'denied' | 'rate_limited';

/**
 * The metering seam (SPEC §5 "Metering", §9 quotas), implemented by `UsageMeter` (src/usage):
 *
 * - the authenticator counts every authenticated request's outcome (`count`): `ok` when
 *   admitted, `denied` (address, read-only), `rate_limited`; a route guard that then refuses the
 *   request moves it from `ok` to its outcome (`refused`);
 * - a route's declared cost (`authenticate({cost})` or the `cost(n)` guard of every adapter)
 *   asks `check(principal, n)` before the route runs (over quota: 429 `quota_exceeded` with the
 *   reset time) and then `record(principal, n)`;
 * - `principal.consume(n)`, callable by any route on the principal it was given, reports units
 *   known only once the work is done (`record`). Without a meter it does nothing.
 *
 * A `Meter` answers `check` from memory on the common path and counts in memory (no store round
 * trip per request); it writes in batches.
 */
export interface Meter {
  /** null: go on; else the organization's quota is spent until `resetAt` (ms epoch) */
  check(principal: Principal, units: number): MaybePromise<{ resetAt: number } | null>;
  /** counts `units` against the principal's organization */
  record(principal: Principal, units: number): void;
  /** counts one authenticated request's outcome */
  count?(principal: Principal, outcome: RequestOutcome): void;
  /** a request counted `ok` was refused by a route guard after all */
  refused?(principal: Principal, outcome: Exclude<RequestOutcome, 'ok'>): void;
}

/** A principal as routes receive it: `consume(n)` reports units used (see `Meter`). */
export type MeteredPrincipal = Principal & { consume(units: number): void };

// principals are frozen and shared between requests: each finds its meter here, so a metered
// request allocates nothing for `consume`
const meters = new WeakMap<Principal, Meter>();

/**
 * Gives a shared principal its `consume` (not enumerable: JSON and equality ignore it), which
 * reports to the meter the principal was last admitted under (`attachMeter`); without one it
 * does nothing, so routes may call it whether or not a meter is configured.
 */
export function withConsume<P extends Principal>(principal: P): P & MeteredPrincipal {
  Object.defineProperty(principal, 'consume', {
    value: (units: number) => {
      if (!Number.isInteger(units) || units < 0) throw new TypeError(`consume() takes a whole number of units, not ${units}`);
      meters.get(principal)?.record(principal, units);
    },
    enumerable: false,
  });
  return principal as P & MeteredPrincipal;
}

/** Binds a shared principal's `consume` to `meter` (a WeakMap read per request once bound). */
export function attachMeter(shared: Principal, meter: Meter): MeteredPrincipal {
  // a principal made without `withConsume` (a test's) gets its own copy that has it
  const principal = 'consume' in shared ? (shared as MeteredPrincipal) : withConsume({ ...shared });
  if (meters.get(principal) !== meter) meters.set(principal, meter);
  return principal;
}

/** 429 `quota_exceeded`: the organization's units for the period are used up until `resetAt`. */
export function quotaExceeded(resetAt: number): HttpProblem {
  const retryAfter = secondsUntil(resetAt);
  const reset = new Date(resetAt).toISOString();
  return new HttpProblem(429, 'quota_exceeded', 'Quota exceeded', `The organization's monthly units are used up; the quota resets at ${reset}.`,
    { retry_after: retryAfter, reset }, { 'Retry-After': String(retryAfter) });
}

/** `units` checked against the quota then counted: null to go on, else 429 `quota_exceeded`. */
export function spend(meter: Meter, principal: Principal, units: number): MaybePromise<HttpProblem | null> {
  return then(meter.check(principal, units), (over) => {
    if (over) return quotaExceeded(over.resetAt);
    if (units > 0) meter.record(principal, units);
    return null;
  });
}

/** A route cost must be a whole number of units. */
export function assertUnits(units: number): void {
  if (!Number.isInteger(units) || units < 0) throw new TypeError(`a route cost is a whole number of units, not ${units}`);
}
