import type { Middleware } from 'koa';
import { respondWithProblem } from '../http/error-boundary.js';
import { HttpProblem } from '../http/problem.js';

/**
 * Renders the middleware's refusals (401, 403, 429, 503) as `application/problem+json` with
 * their headers (`WWW-Authenticate`, `Retry-After`, `RateLimit-*`). Mount it first in a service
 * that has no error handler of its own; other errors pass through unchanged.
 */
export function problemResponder(): Middleware {
  return async (ctx, next) => {
    try {
      await next();
    } catch (err) {
      if (!(err instanceof HttpProblem)) throw err;
      respondWithProblem(ctx, err);
    }
  };
}
