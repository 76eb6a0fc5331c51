import type { IncomingMessage, ServerResponse } from 'node:http';
import Koa from 'koa';
import type { Gatehouse } from '../src/gatehouse.js';
import { errorBoundary } from '../src/http/error-boundary.js';
import type { Middleware } from 'koa';

/** The permission `/probe` requires (a built-in management permission, so any org can grant it). */
export const PROBE_PERMISSION = 'users:read';

/** Paths `probeApp` answers. */
const PROBE_PATHS = new Set(['/bare', '/bare-headers', '/bare-spin', '/probe', '/probe-unmetered', '/floor']);

/**
 * A Koa app for benchmarks and multi-process tests, all on one app so their differences are the
 * middleware: `GET /bare` answers with no authentication at all (`/bare-headers` and
 * `/bare-spin` are calibration rows), `GET /probe` the same body behind Gatehouse's in-process
 * `authenticate()` + `requirePermissions('users:read')`, and `GET /floor` behind `floor` (the
 * same checks written plainly, see `floorMiddleware`) when one is given.
 */
export function probeApp(gatehouse: Gatehouse, floor?: Middleware): Koa {
  const app = new Koa();
  app.proxy = gatehouse.app.proxy;
  app.maxIpsCount = gatehouse.app.maxIpsCount;
  app.silent = true;
  const auth = gatehouse.resourceServer.authenticate();
  const guard = gatehouse.resourceServer.requirePermissions(PROBE_PERMISSION);
  // the same route with usage metering off: what metering costs per request
  const unmetered = gatehouse.resourceServer.authenticate({ metered: false });
  const answer = (ctx: Koa.Context) => { ctx.body = { ok: true }; };
  const answered = async (ctx: Koa.Context) => answer(ctx);
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
    if (ctx.path === '/probe') return auth(ctx, () => guard(ctx, () => answered(ctx)));
    if (ctx.path === '/probe-unmetered') return unmetered(ctx, () => guard(ctx, () => answered(ctx)));
    if (ctx.path === '/floor' && floor) return floor(ctx, () => answered(ctx));
    return next();
  });
  return app;
}

/** A request listener: the probe paths to `probeApp`, everything else straight to the Gatehouse app. */
export function probeListener(gatehouse: Gatehouse, floor?: Middleware): (req: IncomingMessage, res: ServerResponse) => void {
  const probe = probeApp(gatehouse, floor).callback();
  const main = gatehouse.app.callback();
  return (req, res) => {
    const url = req.url ?? '';
    const q = url.indexOf('?');
    void (PROBE_PATHS.has(q < 0 ? url : url.slice(0, q)) ? probe : main)(req, res);
  };
}
