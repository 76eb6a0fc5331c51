import type { Middleware } from 'koa';
import type { Principal } from '../domain/principal.js';
import { missing } from '../domain/permissions.js';
import { problems } from '../http/problem.js';
import type { KeyEnvironment } from '../store/ports.js';

function principalOf(state: { principal?: Principal }): Principal {
  // a guard mounted without `authenticate` in front is a wiring bug, not a client error
  if (!state.principal) throw new Error('guard used before authenticate(): no ctx.state.principal');
  return state.principal;
}

/**
 * Requires every listed permission (`noun:*` grants any action of the noun): otherwise 403
 * `insufficient_scope`, naming the missing permissions in the body and in
 * `WWW-Authenticate: Bearer error="insufficient_scope", scope="…"`.
 */
export function requirePermissions(...permissions: string[]): Middleware {
  // not `async`: on the hot path, every promise costs (async hooks are on in Gatehouse)
  return (ctx, next) => {
    const lacking = missing(principalOf(ctx.state).permissions, permissions);
    return lacking.length > 0 ? Promise.reject(problems.insufficientScope(lacking)) : next();
  };
}

/**
 * Requires API keys of one environment (e.g. only `live` keys on a production route): a key of
 * the other environment gets 403 `wrong_environment`. OAuth access tokens carry no environment
 * and are not constrained by this guard.
 */
export function requireEnvironment(environment: KeyEnvironment): Middleware {
  return (ctx, next) => {
    const principal = principalOf(ctx.state);
    if (principal.environment !== null && principal.environment !== environment)
      return Promise.reject(problems.forbidden('wrong_environment', `This route accepts only ${environment} keys; this key is a ${principal.environment} key.`));
    return next();
  };
}
