import Router from '@koa/router';
import compose from 'koa-compose';
import type { Middleware } from 'koa';
import type { ApiKeyService } from '../api-keys/service.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { Config } from '../config/schema.js';
import { HttpProblem, problems } from '../http/problem.js';
import type { Identity } from '../identity/index.js';
import type { ClientService } from '../oauth/clients.js';
import type { Store } from '../store/ports.js';
import { apiKeyRoutes } from './api-keys.js';
import { auditLogRoutes } from './audit-logs.js';
import { clientRoutes } from './clients.js';
import { buildOpenApi } from './openapi.js';
import { organizationRoutes } from './organizations.js';
import { resourceRoutes } from './resources.js';
import { roleRoutes } from './roles.js';
import { mountRoutes, type AnyRoute } from './route-kit.js';
import { userRoutes } from './users.js';

export interface ManagementApiDeps {
  config: Pick<Config, 'issuer' | 'bodyLimitBytes'>;
  identity: Identity;
  apiKeys: ApiKeyService;
  audit: AuditLog;
  store: Pick<Store, 'memberships'>;
  /** OAuth clients; without it the clients routes are not served */
  clients?: ClientService;
  /** the resource server's middleware (management audience) */
  authenticate: Middleware;
  requirePermissions: (...permissions: string[]) => Middleware;
}

export interface ManagementApi {
  /** serves `/v1/…` and `GET /openapi.json`; other paths pass through */
  middleware: Middleware;
  routes: AnyRoute[];
  /** the OpenAPI 3.1 document */
  document: Record<string, unknown>;
}

/**
 * The management API under `/v1`: every route authenticated by the resource server's one
 * middleware; failed authentications with a credential are audited (`auth.failed`, server level,
 * with the IP).
 */
export function createManagementApi(deps: ManagementApiDeps): ManagementApi {
  const { identity, audit } = deps;
  const routes: AnyRoute[] = [
    ...organizationRoutes(identity.organizations),
    ...apiKeyRoutes(deps.apiKeys, 'organization'),
    ...apiKeyRoutes(deps.apiKeys, 'server'),
    ...userRoutes(identity, deps.store),
    ...roleRoutes(identity),
    ...resourceRoutes(identity),
    ...(deps.clients ? clientRoutes(deps.clients, identity.permissions) : []),
    ...auditLogRoutes(audit),
  ];

  const router = new Router({ prefix: '/v1' });
  router.use(async (ctx, next) => {
    let authenticated = false;
    try {
      await deps.authenticate(ctx, async () => {
        authenticated = true;
        await next();
      });
    } catch (err) {
      // only presented credentials are audited: those pass the per-address failure throttle, so
      // a flood of bare requests cannot fill the log
      const presented = Boolean(ctx.get('authorization') || ctx.get('x-api-key'));
      if (!authenticated && presented && err instanceof HttpProblem && err.status === 401) {
        audit.recordQuietly({ organizationId: null, action: 'auth.failed', caller: null, ip: ctx.ip, metadata: { method: ctx.method, path: ctx.path } });
      }
      throw err;
    }
  });
  mountRoutes(router, routes, {
    organizations: identity.organizations, audit, requirePermissions: deps.requirePermissions, bodyLimitBytes: deps.config.bodyLimitBytes,
  });

  const document = buildOpenApi(routes, deps.config.issuer);
  const openapi = new Router();
  openapi.get('/openapi.json', (ctx) => {
    ctx.body = document;
  });
  // an unknown path under /v1 is a problem+json 404 (not whatever a later middleware says), and
  // a known path with another method a 405 with `Allow`
  const unknownPath: Middleware = async (ctx, next) => {
    if (ctx.path !== '/v1' && !ctx.path.startsWith('/v1/')) return next();
    const problem = problems.notFound('endpoint');
    ctx.status = problem.status;
    ctx.type = 'application/problem+json';
    ctx.body = problem.body();
  };
  // the router's allowedMethods sets 405 and `Allow` (it cannot when it throws); the body is ours
  const methodNotAllowed: Middleware = async (ctx, next) => {
    await next();
    if (ctx.status !== 405) return;
    const problem = new HttpProblem(405, 'method_not_allowed', 'Method not allowed', `This endpoint accepts ${ctx.response.get('Allow')}.`);
    ctx.type = 'application/problem+json';
    ctx.body = problem.body();
  };
  const middleware = compose([
    openapi.routes(), methodNotAllowed, router.allowedMethods(), router.routes(), unknownPath,
  ] as Middleware[]) as Middleware;
  return { middleware, routes, document };
}
