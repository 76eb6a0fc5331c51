import type { Context, Middleware } from 'koa';
import type { Logger } from 'pino';
import { HttpProblem } from '../../http/problem.js';
import { StoreUnavailable } from '../../store/ports.js';
import { ScimError } from '../protocol/errors.js';
import { SCIM_MEDIA_TYPE } from '../protocol/urns.js';

/** The identity services' conflicts that mean "this exists already" (RFC 7644 `uniqueness`). */
const UNIQUENESS = new Set(['already_member', 'user_exists', 'role_exists', 'resource_exists']);

/** A service's problem in SCIM's error schema: same status and words, a `scimType` where the RFC has one. */
export function fromProblem(problem: HttpProblem): ScimError {
  const detail = problem.detail ?? problem.title;
  const headers = Object.fromEntries(Object.entries(problem.headers).filter(([name]) => name.toLowerCase() === 'retry-after'));
  if (problem.status === 400) return new ScimError(400, detail, problem.code === 'malformed_json' ? 'invalidSyntax' : 'invalidValue');
  if (problem.status === 409 && UNIQUENESS.has(problem.code)) return new ScimError(409, detail, 'uniqueness');
  // e.g. 403 permission_escalation, 409 last_admin: the code leads the detail, so the identity provider's log names it
  return new ScimError(problem.status, problem.status === 403 || problem.status === 409 ? `${problem.code}: ${detail}` : detail, undefined, headers);
}

/** Writes a SCIM error as the response. */
export function respondWithScimError(ctx: Context, error: ScimError): void {
  ctx.status = error.status;
  ctx.set(error.headers);
  ctx.type = `${SCIM_MEDIA_TYPE}; charset=utf-8`;
  ctx.body = JSON.stringify(error.body());
}

/**
 * `/scim/v2`'s error boundary: every failure in SCIM's error schema (RFC 7644 §3.12), never
 * problem+json; a store that cannot answer is 503; anything unexpected is logged and a 500 with
 * no detail.
 */
export function scimErrorBoundary(logger: Logger): Middleware {
  return async (ctx, next) => {
    try {
      await next();
    } catch (err) {
      if (err instanceof ScimError) return respondWithScimError(ctx, err);
      if (err instanceof HttpProblem) return respondWithScimError(ctx, fromProblem(err));
      if (err instanceof StoreUnavailable) {
        logger.warn({ err, reqId: ctx.state.requestId }, 'store unavailable');
        return respondWithScimError(ctx, new ScimError(503, 'The data store is not answering; retry shortly.', undefined, { 'Retry-After': '5' }));
      }
      const status = (err as { status?: number }).status;
      if (status && status >= 400 && status < 500) return respondWithScimError(ctx, new ScimError(status, 'The request could not be processed.'));
      logger.error({ err, reqId: ctx.state.requestId }, 'unhandled error');
      respondWithScimError(ctx, new ScimError(500, 'An unexpected error occurred.'));
    }
  };
}
