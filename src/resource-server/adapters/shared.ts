import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Principal } from '../../domain/principal.js';
import type { HttpProblem } from '../../http/problem.js';
import type { Authenticator } from '../core/authenticator.js';
import type { Guard } from '../core/guards.js';
import { costGuard, environmentGuard, permissionGuard } from '../core/guards.js';
import type { KeyEnvironment } from '../../store/ports.js';
import { then } from '../maybe-async.js';

export const PROBLEM_JSON = 'application/problem+json';

/** Options of one `authenticate()` mount, the same for every adapter. */
export interface AuthenticateCallOptions {
  /** audience(s) accepted in JWTs (in process default: `<issuer>/v1`; remote: the service's `audience`) */
  audience?: string | string[];
  /** refuse non-safe methods to read-only credentials (default true) */
  enforceReadOnly?: boolean;
  /**
   * units each admitted request costs (SPEC §5 metering): checked against the organization's
   * monthly quota before the route runs (429 `quota_exceeded` when spent), then counted
   */
  cost?: number;
  /** false: requests through this mount are not counted in usage (e.g. a health route); default true */
  metered?: boolean;
}

/** A resource server as the adapters see it: in-process and remote ones both are. */
export interface ResourceServerCore {
  /** the framework-free authenticator for these options (built once per distinct options) */
  authenticator(options?: AuthenticateCallOptions): Authenticator;
}

/**
 * The three route guards, as framework-free checks; adapters wrap each once. With a meter, a
 * guard's refusal moves the request from `ok` to `denied` (`rate_limited` for a spent quota).
 */
export function guardsOf(rs: ResourceServerCore) {
  const metered = (guard: Guard): Guard => {
    const meter = rs.authenticator().meter;
    if (!meter?.refused) return guard;
    const counted = (principal: Principal, refusal: HttpProblem | null) => {
      if (refusal) meter.refused!(principal, refusal.status === 429 ? 'rate_limited' : 'denied');
      return refusal;
    };
    return (principal) => then(guard(principal), (refusal) => counted(principal, refusal));
  };
  return {
    permissions: (permissions: string[]): Guard => metered(permissionGuard(permissions)),
    environment: (environment: KeyEnvironment): Guard => metered(environmentGuard(environment)),
    cost: (units: number): Guard => metered(costGuard(units, rs.authenticator().meter)),
  };
}

/** A guard mounted without `authenticate` in front is a wiring bug, not a client error. */
export function principalOrThrow(principal: Principal | undefined): Principal {
  if (!principal) throw new Error('guard used before authenticate(): no principal on the request');
  return principal;
}

/** `res.setHeader` as a `HeaderWriter`, shared so no closure is made per request. */
export function setResponseHeader(res: ServerResponse, name: string, value: string): void {
  res.setHeader(name, value);
}

/** Writes a problem as a whole Node response: status, its headers, problem+json body. */
export function sendProblem(res: ServerResponse, problem: HttpProblem): void {
  res.statusCode = problem.status;
  const { headers } = problem;
  for (const name in headers) res.setHeader(name, headers[name]);
  res.setHeader('Content-Type', PROBLEM_JSON);
  res.end(problem.json());
}

/** A header of a Node request by lower-case name (repeated `x-api-key` headers arrive joined). */
export function nodeHeader(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return typeof value === 'string' ? value : undefined;
}
