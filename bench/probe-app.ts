import type { IncomingMessage, ServerResponse } from 'node:http';
import Koa from 'koa';
import type { Gatehouse } from '../src/gatehouse.js';
import { errorBoundary } from '../src/http/error-boundary.js';

/** The permission `/probe` requires (a built-in management permission, so any org can grant it). */
export const PROBE_PERMISSION = 'users:read';

/**
 * A Koa app for benchmarks and multi-process tests: `GET /bare` answers with no authentication
 * at all (`/bare-headers` and `/bare-spin` are the benchmark's calibration rows), `GET /probe`
 * the same body behind the in-process `authenticate()` +
 * `requirePermissions('users:read')`. Both share the app, so their difference is the middleware.
 */
export function probeApp(gatehouse: Gatehouse): Koa {
  const app = new Koa();
  app.proxy = gatehouse.app.proxy;
  app.maxIpsCount = gatehouse.app.maxIpsCount;
  app.silent = true;
  const auth = gatehouse.resourceServer.authenticate();
  const guard = gatehouse.resourceServer.requirePermissions(PROBE_PERMISSION);
  const answer = (ctx: Koa.Context) => { ctx.body = { ok: true }; };
  app.use(errorBoundary(gatehouse.logger));
  app.use(async (ctx, next) => {
    if (ctx.path === '/bare') return answer(ctx);
    // calibration: what the three headers every authenticated answer carries cost on their own,
    // and what a fixed 2 µs of CPU costs, on the machine at hand
    if (ctx.path === '/bare-headers') {
      ctx.set('RateLimit-Limit', '6000');
      ctx.set('RateLimit-Remaining', '5999');
      ctx.set('RateLimit-Reset', '60');
      return answer(ctx);
    }
    if (ctx.path === '/bare-spin') {
      const until = process.hrtime.bigint() + 2000n;
      while (process.hrtime.bigint() < until);
      return answer(ctx);
    }
    if (ctx.path === '/probe') return auth(ctx, () => guard(ctx, async () => answer(ctx)));
    return next();
  });
  return app;
}

/** A request listener: `/bare` and `/probe` to `probeApp`, everything else straight to the Gatehouse app. */
export function probeListener(gatehouse: Gatehouse): (req: IncomingMessage, res: ServerResponse) => void {
  const probe = probeApp(gatehouse).callback();
  const main = gatehouse.app.callback();
  return (req, res) => {
    const path = req.url?.split('?')[0] ?? '';
    void (path === '/probe' || path.startsWith('/bare') ? probe : main)(req, res);
  };
}
