import type { Context, Middleware, Next } from 'koa';
import { respondWithProblem } from '../../http/error-boundary.js';
import type { HttpProblem } from '../../http/problem.js';
import type { Principal } from '../../domain/principal.js';
import type { KeyEnvironment } from '../../store/ports.js';
import { Admitted, type Decision } from '../core/decision.js';
import type { AuthExchange } from '../core/exchange.js';
import type { Guard } from '../core/guards.js';
import { isPromise } from '../maybe-async.js';
import { guardsOf, nodeHeader, principalOrThrow, setResponseHeader, type AuthenticateCallOptions, type ResourceServerCore } from './shared.js';

/** The core's view of a Koa request (the address and URL as Koa resolves them, honouring `app.proxy`). */
export class KoaExchange implements AuthExchange {
  readonly method: string;
  constructor(private readonly ctx: Context) {
    this.method = ctx.req.method ?? 'GET';
  }
  header(name: string) { return nodeHeader(this.ctx.req, name); }
  ip() { return this.ctx.ip; }
  url() { return this.ctx.href; }
}

export interface KoaAuthenticateOptions extends AuthenticateCallOptions {
  /**
   * `respond` (default): a refusal is written as the response (problem+json) and the chain stops
   * there; `throw`: it is thrown as an `HttpProblem` for the app's error handler (Gatehouse's
   * management API audits failed authentications that way).
   */
  refusals?: 'respond' | 'throw';
}

/**
 * Koa: `authenticate()` sets `ctx.state.principal`; guards read it. A refusal is answered as
 * `application/problem+json` with its headers, no error handler needed.
 */
export function forKoa(rs: ResourceServerCore) {
  const guards = guardsOf(rs);
  const guard = (check: Guard): Middleware => (ctx, next) => {
    const refusal = check(principalOrThrow(ctx.state.principal as Principal | undefined));
    if (isPromise(refusal)) return refusal.then((r) => (r ? respondWithProblem(ctx, r) : next()));
    if (refusal) return respondWithProblem(ctx, refusal);
    return next();
  };
  return {
    authenticate(options: KoaAuthenticateOptions = {}): Middleware {
      const core = rs.authenticator(options);
      const throwing = options.refusals === 'throw';
      const proceed = (ctx: Context, next: Next, decision: Decision): unknown => {
        if (decision instanceof Admitted) {
          decision.writeHeaders(ctx.res, setResponseHeader);
          ctx.state.principal = decision.principal;
          return next();
        }
        if (throwing) return Promise.reject(decision as HttpProblem);
        respondWithProblem(ctx, decision);
        return undefined;
      };
      // not `async`: a request whose answers are all cached creates no promise of its own
      return function authenticate(ctx, next) {
        const decision = core.authenticate(new KoaExchange(ctx));
        return isPromise(decision) ? decision.then((d) => proceed(ctx, next, d)) : proceed(ctx, next, decision);
      };
    },
    requirePermissions: (...permissions: string[]) => guard(guards.permissions(permissions)),
    requireEnvironment: (environment: KeyEnvironment) => guard(guards.environment(environment)),
    /** the route's cost in metered units (see `Meter`) */
    cost: (units: number) => guard(guards.cost(units)),
  };
}
