import Koa from 'koa';
import type { Gatehouse } from '../src/gatehouse.js';
import { errorBoundary } from '../src/http/error-boundary.js';

/** The permission `/probe` requires (a built-in management permission, so any org can grant it). */
export const PROBE_PERMISSION = 'users:read';

/**
 * A Koa app in front of a Gatehouse for benchmarks and multi-process tests: `GET /bare` answers
 * with no authentication at all, `GET /probe` the same body behind the in-process
 * `authenticate()` + `requirePermissions('users:read')`; every other request goes to the
 * Gatehouse app itself (token endpoint, introspection, management API…).
 */
export function probeApp(gatehouse: Gatehouse): Koa {
  const app = new Koa();
  app.proxy = gatehouse.app.proxy;
  app.maxIpsCount = gatehouse.app.maxIpsCount;
  app.silent = true;
  const inner = gatehouse.app.callback();
  const auth = gatehouse.resourceServer.authenticate();
  const guard = gatehouse.resourceServer.requirePermissions(PROBE_PERMISSION);
  const answer = (ctx: Koa.Context) => { ctx.body = { ok: true }; };
  app.use(errorBoundary(gatehouse.logger));
  app.use(async (ctx, next) => {
    if (ctx.path === '/bare') return answer(ctx);
    if (ctx.path === '/probe') return auth(ctx, () => guard(ctx, async () => answer(ctx)));
    return next();
  });
  app.use(async (ctx) => {
    ctx.respond = false;
    await inner(ctx.req, ctx.res);
  });
  return app;
}
