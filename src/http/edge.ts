import { randomUUID } from 'node:crypto';
import type { Middleware } from 'koa';
import type { Logger } from 'pino';
import { redactUrl } from '../ops/logger.js';
import { boundChildren } from '../ops/bound-counters.js';
import { routeFamily, type Metrics } from '../ops/metrics.js';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * Request id (kept from `X-Request-Id` when it is well-formed, else generated), one access-log
 * line per request with secrets kept out, and request metrics.
 */
export function requestContext(logger: Logger, metrics: Metrics): Middleware {
  const requestCounter = boundChildren((labels: { family: string; method: string; status: string }) => metrics.httpRequests.labels(labels));
  const countRequest = (family: string, method: string, status: number) =>
    requestCounter(`${family} ${method} ${status}`, () => ({ family, method, status: String(status) })).inc();
  return async (ctx, next) => {
    const started = process.hrtime.bigint();
    const incoming = ctx.get('x-request-id');
    const requestId = REQUEST_ID.test(incoming) ? incoming : randomUUID();
    ctx.state.requestId = requestId;
    ctx.set('X-Request-Id', requestId);
    try {
      await next();
    } finally {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const family = routeFamily(ctx.path);
      countRequest(family, ctx.method, ctx.status);
      metrics.httpDuration.observe({ family }, seconds);
      // the line is only built when it will be written (the level is often above info under load)
      if (family !== 'healthz' && family !== 'metrics' && logger.isLevelEnabled('info')) {
        logger.info({
          reqId: requestId, method: ctx.method, url: redactUrl(ctx.originalUrl), status: ctx.status,
          ms: Math.round(seconds * 1e4) / 10, ip: ctx.ip,
          principal: ctx.state.principal ? { type: ctx.state.principal.type, subject: ctx.state.principal.subject } : undefined,
        }, 'request');
      }
    }
  };
}

/** Headers every response carries; pages set their own CSP. */
export function securityHeaders(): Middleware {
  return async (ctx, next) => {
    await next();
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.set('Referrer-Policy', 'no-referrer');
    if (!ctx.response.get('X-Frame-Options')) ctx.set('X-Frame-Options', 'DENY');
  };
}
