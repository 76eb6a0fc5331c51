import type { Principal } from '../../domain/principal.js';
import { missing } from '../../domain/permissions.js';
import { HttpProblem, problems } from '../../http/problem.js';
import type { KeyEnvironment } from '../../store/ports.js';
import type { MaybePromise } from '../maybe-async.js';
import { assertUnits, spend, type Meter } from '../metering.js';

/** A route check on an authenticated principal: null to go on, else the problem to answer. */
export type Guard = (principal: Principal) => MaybePromise<HttpProblem | null>;

/**
 * Every listed permission (`noun:*` grants any action of the noun), else 403
 * `insufficient_scope` naming the missing ones (body and `WWW-Authenticate`). The problem for a
 * given principal's permission list is built once.
 */
export function permissionGuard(permissions: string[]): Guard {
  const refusals = new WeakMap<readonly string[], HttpProblem | null>();
  return (principal) => {
    let refusal = refusals.get(principal.permissions);
    if (refusal === undefined) {
      const lacking = missing(principal.permissions, permissions);
      refusals.set(principal.permissions, (refusal = lacking.length > 0 ? problems.insufficientScope(lacking) : null));
    }
    return refusal;
  };
}

/**
 * API keys of one environment only (e.g. `live` on a production route): 403 `wrong_environment`
 * for the other. OAuth access tokens carry no environment and pass.
 */
export function environmentGuard(environment: KeyEnvironment): Guard {
  return (principal) => (principal.environment !== null && principal.environment !== environment
    ? problems.forbidden('wrong_environment', `This route accepts only ${environment} keys; this key is a ${principal.environment} key.`)
    : null);
}

/**
 * A route's cost in metered units (SPEC §5): checked against the organization's quota and
 * counted when a meter is configured (see `Meter`); without one the route just runs.
 */
export function costGuard(units: number, meter: Meter | undefined): Guard {
  assertUnits(units);
  if (!meter) return () => null;
  return (principal) => spend(meter, principal, units);
}
