import type { Context, Middleware } from 'koa';
import type { Logger } from 'pino';
import { StoreUnavailable } from '../store/ports.js';
import { HttpProblem } from './problem.js';

const PROBLEM_JSON = 'application/problem+json';

/** Errors raised by Koa itself or by its body parsers (they carry `status` and `expose`). */
interface KoaHttpError extends Error { status?: number; statusCode?: number; expose?: boolean; type?: string }

function fromKoaError(err: KoaHttpError): HttpProblem | null {
  const status = err.status ?? err.statusCode;
  if (!status || status < 400 || status >= 500) return null;
  if (status === 413) return new HttpProblem(413, 'payload_too_large', 'Payload too large', 'The request body is too large.');
  if (err.type === 'entity.parse.failed' || err instanceof SyntaxError)
    return new HttpProblem(400, 'malformed_json', 'Bad request', 'The request body is not valid JSON.');
  return new HttpProblem(status, 'bad_request', 'Bad request', err.expose ? err.message : 'The request could not be processed.');
}

/** A store that cannot answer (stuck, unreachable, no majority): 503, retry shortly. */
export const STORE_UNAVAILABLE = new HttpProblem(503, 'store_unavailable', 'Service unavailable',
  'The data store is not answering; retry shortly.', {}, { 'Retry-After': '5' });

/** Writes a problem as the response: its status, its headers, its problem+json document. */
export function respondWithProblem(ctx: Context, problem: HttpProblem): void {
  ctx.status = problem.status;
  ctx.set(problem.headers);
  ctx.type = PROBLEM_JSON;
  ctx.body = problem.json();
}

/**
 * The one place errors become responses: HttpProblem → its status and problem+json; a store
 * that cannot answer → 503 `store_unavailable` (logged as a warning); a 4xx from Koa or a body
 * parser → a problem naming it; anything else → 500 with no detail (logged).
 */
export function errorBoundary(logger: Logger): Middleware {
  return async (ctx, next) => {
    try {
      await next();
    } catch (caught) {
      const err = caught as KoaHttpError;
      if (err instanceof StoreUnavailable) {
        logger.warn({ err, reqId: ctx.state.requestId }, 'store unavailable');
        return respondWithProblem(ctx, STORE_UNAVAILABLE);
      }
      const problem = err instanceof HttpProblem ? err : fromKoaError(err);
      if (problem) return respondWithProblem(ctx, problem);
      logger.error({ err, reqId: ctx.state.requestId }, 'unhandled error');
      ctx.status = 500;
      ctx.type = PROBLEM_JSON;
      ctx.body = {
        type: 'https://gatehouse.dev/problems/internal_error', title: 'Internal server error', status: 500,
        detail: 'An unexpected error occurred.', code: 'internal_error',
      };
    }
  };
}
