import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Principal } from '../../domain/principal.js';
import type { KeyEnvironment } from '../../store/ports.js';
import { Admitted, type Decision } from '../core/decision.js';
import type { Guard } from '../core/guards.js';
import { isPromise } from '../maybe-async.js';
import type { MeteredPrincipal } from '../metering.js';
import { NodeExchange } from './node-exchange.js';
import { guardsOf, principalOrThrow, sendProblem, setResponseHeader, type AuthenticateCallOptions, type ResourceServerCore } from './shared.js';

/** What the adapter needs of an Express 5 request (structural: no runtime dependency on Express). */
interface ExpressRequest extends IncomingMessage {
  ip?: string;
  protocol: string;
  originalUrl: string;
  get(name: string): string | undefined;
  principal?: MeteredPrincipal;
}
type Next = (err?: unknown) => void;
type Handler = (req: ExpressRequest, res: ServerResponse, next: Next) => void;

// Express resolves `req.ip` and `req.protocol` with its own `trust proxy` setting
const address = (req: IncomingMessage) => (req as ExpressRequest).ip ?? req.socket.remoteAddress ?? '';
const absoluteUrl = (req: IncomingMessage) => {
  const r = req as ExpressRequest;
  return `${r.protocol}://${r.get('host') ?? 'localhost'}${r.originalUrl}`;
};

/**
 * Express 5: `authenticate()` sets `req.principal`; guards read it. A refusal is answered at once
 * as `application/problem+json` (the chain stops; no error middleware involved).
 */
export function forExpress(rs: ResourceServerCore) {
  const guards = guardsOf(rs);
  const guard = (check: Guard): Handler => (req, res, next) => {
    const refusal = check(principalOrThrow(req.principal as Principal | undefined));
    if (isPromise(refusal)) {
      refusal.then((r) => (r ? sendProblem(res, r) : next()), next);
      return;
    }
    if (refusal) sendProblem(res, refusal);
    else next();
  };
  return {
    authenticate(options: AuthenticateCallOptions = {}): Handler {
      const core = rs.authenticator(options);
      const proceed = (req: ExpressRequest, res: ServerResponse, next: Next, decision: Decision) => {
        if (decision instanceof Admitted) {
          decision.writeHeaders(res, setResponseHeader);
          req.principal = decision.principal;
          next();
        } else {
          sendProblem(res, decision);
        }
      };
      return (req, res, next) => {
        const decision = core.authenticate(new NodeExchange(req, address, absoluteUrl));
        if (isPromise(decision)) decision.then((d) => proceed(req, res, next, d), next);
        else proceed(req, res, next, decision);
      };
    },
    requirePermissions: (...permissions: string[]) => guard(guards.permissions(permissions)),
    requireEnvironment: (environment: KeyEnvironment) => guard(guards.environment(environment)),
    cost: (units: number) => guard(guards.cost(units)),
  };
}
