import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HttpProblem } from '../../http/problem.js';
import type { KeyEnvironment } from '../../store/ports.js';
import { Admitted } from '../core/decision.js';
import type { Guard } from '../core/guards.js';
import { isPromise, then, type MaybePromise } from '../maybe-async.js';
import type { MeteredPrincipal } from '../metering.js';
import { NodeExchange, directUrl, socketAddress } from './node-exchange.js';
import { guardsOf, sendProblem, setResponseHeader, type AuthenticateCallOptions, type ResourceServerCore } from './shared.js';

export interface NodeHttpAdapterOptions {
  /** the client's address (default: the socket's peer; behind a proxy, derive it from trusted headers here) */
  clientIp?: (req: IncomingMessage) => string;
  /** the absolute URL the client used (default: `http(s)://<Host header><req.url>`) */
  requestUrl?: (req: IncomingMessage) => string;
}

/**
 * Node's `http` module: `authenticate()` returns a function of `(req, res)` that resolves the
 * principal, or null once it has answered the request itself (problem+json). Guards take the
 * principal and answer the same way: `true` means go on.
 *
 * ```ts
 * const principal = await auth(req, res);
 * if (!principal || !(await canRead(req, res, principal))) return;
 * ```
 */
export function forNodeHttp(rs: ResourceServerCore, adapterOptions: NodeHttpAdapterOptions = {}) {
  const guards = guardsOf(rs);
  const address = adapterOptions.clientIp ?? socketAddress;
  const url = adapterOptions.requestUrl ?? directUrl;
  const guard = (check: Guard) => (_req: IncomingMessage, res: ServerResponse, principal: MeteredPrincipal): MaybePromise<boolean> =>
    then(check(principal), (refusal) => {
      if (!refusal) return true;
      sendProblem(res, refusal);
      return false;
    });
  return {
    authenticate(options: AuthenticateCallOptions = {}) {
      const core = rs.authenticator(options);
      const proceed = (res: ServerResponse, decision: Admitted | HttpProblem): MeteredPrincipal | null => {
        if (decision instanceof Admitted) {
          decision.writeHeaders(res, setResponseHeader);
          return decision.principal;
        }
        sendProblem(res, decision);
        return null;
      };
      return (req: IncomingMessage, res: ServerResponse): MaybePromise<MeteredPrincipal | null> => {
        const decision = core.authenticate(new NodeExchange(req, address, url));
        return isPromise(decision) ? decision.then((d) => proceed(res, d)) : proceed(res, decision);
      };
    },
    requirePermissions: (...permissions: string[]) => guard(guards.permissions(permissions)),
    requireEnvironment: (environment: KeyEnvironment) => guard(guards.environment(environment)),
    cost: (units: number) => guard(guards.cost(units)),
  };
}
