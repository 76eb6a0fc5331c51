import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Principal } from '../../domain/principal.js';
import type { HttpProblem } from '../../http/problem.js';
import type { KeyEnvironment } from '../../store/ports.js';
import { Admitted } from '../core/decision.js';
import type { Guard } from '../core/guards.js';
import { isPromise } from '../maybe-async.js';
import type { MeteredPrincipal } from '../metering.js';
import { NodeExchange } from './node-exchange.js';
import { PROBLEM_JSON, guardsOf, principalOrThrow, type AuthenticateCallOptions, type ResourceServerCore } from './shared.js';

/** What the adapter needs of a Fastify 5 request and reply (structural: no runtime dependency on Fastify). */
interface FastifyRequest {
  raw: IncomingMessage;
  ip: string;
  protocol: string;
  host: string;
  url: string;
  principal?: MeteredPrincipal;
}
interface FastifyReply {
  raw: ServerResponse;
  code(status: number): FastifyReply;
  header(name: string, value: string): FastifyReply;
  type(contentType: string): FastifyReply;
  send(payload: string): FastifyReply;
}
type Hook = (request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply | undefined>;

/** The Fastify request behind each raw request (Fastify resolves `ip` and `protocol` with its `trustProxy`). */
const requests = new WeakMap<IncomingMessage, FastifyRequest>();
const address = (req: IncomingMessage) => requests.get(req)?.ip ?? req.socket.remoteAddress ?? '';
const absoluteUrl = (req: IncomingMessage) => {
  const r = requests.get(req)!;
  return `${r.protocol}://${r.host}${r.url}`;
};

function reject(reply: FastifyReply, problem: HttpProblem): void {
  reply.code(problem.status);
  const { headers } = problem;
  for (const name in headers) reply.header(name, headers[name]);
  reply.type(PROBLEM_JSON).send(problem.json());
}

const writeHeader = (reply: FastifyReply, name: string, value: string) => { reply.header(name, value); };

/**
 * Fastify 5: `authenticate()` is an `onRequest` hook (app-wide with `addHook`, or per route)
 * that sets `request.principal`; guards are `preHandler` hooks. A refusal is sent as
 * `application/problem+json` and ends the request. Declare the decoration once:
 * `app.decorateRequest('principal', null)`.
 */
export function forFastify(rs: ResourceServerCore) {
  const guards = guardsOf(rs);
  // hooks are async: Fastify then waits for their promise, and a returned reply ends the request
  const guard = (check: Guard): Hook => async (request, reply) => {
    const checked = check(principalOrThrow(request.principal as Principal | undefined));
    const refusal = isPromise(checked) ? await checked : checked;
    if (!refusal) return undefined;
    reject(reply, refusal);
    return reply;
  };
  return {
    authenticate(options: AuthenticateCallOptions = {}): Hook {
      const core = rs.authenticator(options);
      const proceed = (request: FastifyRequest, reply: FastifyReply, decision: Admitted | HttpProblem) => {
        if (decision instanceof Admitted) {
          decision.writeHeaders(reply, writeHeader);
          request.principal = decision.principal;
          return undefined;
        }
        reject(reply, decision);
        return reply;
      };
      return async (request, reply) => {
        requests.set(request.raw, request);
        const decision = core.authenticate(new NodeExchange(request.raw, address, absoluteUrl));
        return proceed(request, reply, isPromise(decision) ? await decision : decision);
      };
    },
    requirePermissions: (...permissions: string[]) => guard(guards.permissions(permissions)),
    requireEnvironment: (environment: KeyEnvironment) => guard(guards.environment(environment)),
    cost: (units: number) => guard(guards.cost(units)),
  };
}
