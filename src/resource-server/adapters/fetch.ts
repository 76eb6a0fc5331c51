import type { HttpProblem } from '../../http/problem.js';
import type { KeyEnvironment } from '../../store/ports.js';
import { Admitted } from '../core/decision.js';
import type { AuthExchange } from '../core/exchange.js';
import type { Guard } from '../core/guards.js';
import { isPromise, then, type MaybePromise } from '../maybe-async.js';
import type { MeteredPrincipal } from '../metering.js';
import { PROBLEM_JSON, guardsOf, principalOrThrow, type AuthenticateCallOptions, type ResourceServerCore } from './shared.js';

class FetchExchange implements AuthExchange {
  readonly method: string;
  constructor(private readonly request: Request, private readonly address: string) {
    this.method = request.method;
  }
  header(name: string) { return this.request.headers.get(name) ?? undefined; }
  ip() { return this.address; }
  url() { return this.request.url; }
}

/** A refusal as a Web `Response` (problem+json with its headers). */
export function problemResponse(problem: HttpProblem): Response {
  return new Response(problem.json(), { status: problem.status, headers: { ...problem.headers, 'Content-Type': PROBLEM_JSON } });
}

/** An authenticated request: the principal and the headers the answer must carry (`RateLimit-*`). */
export interface FetchAdmission {
  principal: MeteredPrincipal;
  headers: Record<string, string>;
}

/**
 * Web-standard `fetch` handlers (Bun, Deno, workers, Hono): `authenticate()` returns a function of
 * `(request, clientIp)` that resolves a `FetchAdmission` or the `Response` to answer with. The
 * client's address is the platform's to know (e.g. `getConnInfo(c).remote.address` in Hono on
 * Node, `server.requestIP(req)` in Bun); it counts failures per address and matches allowlists,
 * so pass the real one.
 */
export function forFetch(rs: ResourceServerCore) {
  const guards = guardsOf(rs);
  const guard = (check: Guard) => (principal: MeteredPrincipal): MaybePromise<Response | null> =>
    then(check(principal), (refusal) => (refusal ? problemResponse(refusal) : null));
  return {
    authenticate(options: AuthenticateCallOptions = {}) {
      const core = rs.authenticator(options);
      const proceed = (decision: Admitted | HttpProblem): FetchAdmission | Response =>
        decision instanceof Admitted ? { principal: decision.principal, headers: decision.headers() } : problemResponse(decision);
      return (request: Request, clientIp: string): MaybePromise<FetchAdmission | Response> => {
        const decision = core.authenticate(new FetchExchange(request, clientIp));
        return isPromise(decision) ? decision.then(proceed) : proceed(decision);
      };
    },
    requirePermissions: (...permissions: string[]) => guard(guards.permissions(permissions)),
    requireEnvironment: (environment: KeyEnvironment) => guard(guards.environment(environment)),
    cost: (units: number) => guard(guards.cost(units)),
  };
}

/** What the Hono middleware needs of a Hono context (structural: no runtime dependency on Hono). */
interface HonoContext {
  req: { raw: Request };
  get(key: 'principal'): MeteredPrincipal | undefined;
  set(key: 'principal', value: MeteredPrincipal): void;
  header(name: string, value: string): void;
  body(data: string, status: number, headers: Record<string, string>): Response;
}
type HonoMiddleware = (c: HonoContext, next: () => Promise<void>) => Promise<Response | void>;

/** A refusal through Hono's own `c.body`, so headers set earlier (`RateLimit-*`) stay on it. */
const refuse = (c: HonoContext, problem: HttpProblem) => c.body(problem.json(), problem.status, { ...problem.headers, 'Content-Type': PROBLEM_JSON });

/**
 * Hono: middleware over `forFetch`; `authenticate()` sets `c.get('principal')` and adds the
 * `RateLimit-*` headers to the answer. `clientIp(c)` tells the client's address (with
 * `@hono/node-server`: `getConnInfo(c).remote.address`).
 */
export function forHono(rs: ResourceServerCore, adapterOptions: { clientIp: (c: HonoContext) => string }) {
  const fetchAdapter = forFetch(rs);
  const guards = guardsOf(rs);
  const guard = (check: Guard): HonoMiddleware => async (c, next) => {
    const refusal = await check(principalOrThrow(c.get('principal')));
    if (refusal) return refuse(c, refusal);
    await next();
    return undefined;
  };
  return {
    authenticate(options: AuthenticateCallOptions = {}): HonoMiddleware {
      const authenticate = fetchAdapter.authenticate(options);
      return async (c, next) => {
        const result = await authenticate(c.req.raw, adapterOptions.clientIp(c));
        if (result instanceof Response) return result;
        for (const name in result.headers) c.header(name, result.headers[name]);
        c.set('principal', result.principal);
        await next();
        return undefined;
      };
    },
    requirePermissions: (...permissions: string[]) => guard(guards.permissions(permissions)),
    requireEnvironment: (environment: KeyEnvironment) => guard(guards.environment(environment)),
    cost: (units: number) => guard(guards.cost(units)),
  };
}
