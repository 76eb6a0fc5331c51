import Router from '@koa/router';
import compose from 'koa-compose';
import type { Middleware } from 'koa';
import type { Accounts } from '../accounts/index.js';
import type { ApiKeyService } from '../api-keys/service.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { Config } from '../config/schema.js';
import { HttpProblem, problems } from '../http/problem.js';
import type { Identity } from '../identity/index.js';
import type { ClientService } from '../oauth/clients.js';
import type { ConnectedApps } from '../oauth/connected-apps.js';
import { apiKeyRoutes } from './api-keys.js';
import { auditLogRoutes } from './audit-logs.js';
import { clientRoutes } from './clients.js';
import { connectedAppRoutes } from './connected-apps.js';
import { invitationRoutes } from './invitations.js';
import { meRoutes } from './me.js';
import { buildOpenApi } from './openapi.js';
import { organizationRoutes } from './organizations.js';
import { resourceRoutes } from './resources.js';
import { resourceBindingRoutes } from './resource-bindings.js';
import { roleRoutes } from './roles.js';
import { scimTokenRoutes } from './scim-tokens.js';
import { ssoRoutes } from './sso.js';
import type { Sso } from '../sso/index.js';
import type { ScimTokens } from '../scim/tokens/service.js';
import type { LeakedKeyPolicySetting } from '../secret-scanning/policy.js';
import { mountRoutes, type AnyRoute } from './route-kit.js';
import { userRoutes } from './users.js';
import { vocabularyRoutes } from './vocabulary.js';
import { webhookRoutes } from './webhooks.js';
import { usageRoutes } from './usage.js';
import type { UsageReports } from '../usage/reports.js';
import type { WebhookDeliveries, WebhookEndpoints } from '../webhooks/index.js';

export interface ManagementApiDeps {
  config: Pick<Config, 'issuer' | 'bodyLimitBytes'>;
  identity: Identity;
  apiKeys: ApiKeyService;
  audit: AuditLog;
  /** OAuth clients; without it the clients routes are not served */
  clients?: ClientService;
  /** the apps organizations' members authorized; without it the connected-apps routes are not served */
  connectedApps?: ConnectedApps;
  /** webhook endpoints and deliveries; without them the webhooks routes are not served */
  webhooks?: { endpoints: WebhookEndpoints; deliveries: WebhookDeliveries };
  /** a person's own account (`/me`); without it those routes are not served */
  accounts?: Accounts;
  /** organizations' `leaked_key_policy`; without it the field is refused */
  leakedKeyPolicy?: LeakedKeyPolicySetting;
  /** metered usage and quotas; without it the usage route is not served and organizations show no quota */
  usage?: UsageReports;
  /** identity providers' SCIM tokens; without it the scim-tokens routes are not served */
  scimTokens?: ScimTokens;
  /** single sign-on (identity provider, email domains); without it those routes are not served */
  sso?: Pick<Sso, 'connections' | 'domains' | 'redirectUri'>;
  /** the resource server's middleware (management audience) */
  authenticate: Middleware;
  /**
   * the same for `/v1/me`, without the read-only rule: a person whose roles only read (a
   * member) still changes their own password and factors (each change asks for the password)
   */
  authenticateSelf?: Middleware;
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
    ...organizationRoutes(identity.organizations, deps.apiKeys.settings, deps.accounts?.mfaRequirement, deps.leakedKeyPolicy, deps.usage),
    ...apiKeyRoutes(deps.apiKeys, 'organization'),
    ...apiKeyRoutes(deps.apiKeys, 'server'),
    ...userRoutes(identity),
    ...invitationRoutes(identity),
    ...roleRoutes(identity),
    ...resourceRoutes(identity),
    ...resourceRoutes(identity, 'server'),
    ...resourceBindingRoutes(identity.resourceBindings),
    ...resourceBindingRoutes(identity.resourceBindings, 'server'),
    ...vocabularyRoutes(identity),
    ...(deps.clients ? clientRoutes(deps.clients) : []),
    ...(deps.connectedApps ? connectedAppRoutes(deps.connectedApps) : []),
    ...(deps.webhooks ? webhookRoutes(deps.webhooks.endpoints, deps.webhooks.deliveries) : []),
    ...(deps.scimTokens ? scimTokenRoutes(deps.scimTokens, deps.config.issuer) : []),
    ...(deps.sso ? ssoRoutes(deps.sso) : []),
    ...auditLogRoutes(audit),
    ...(deps.usage ? usageRoutes(deps.usage) : []),
    ...(deps.accounts ? meRoutes(deps.accounts.self) : []),
  ];

  const router = new Router({ prefix: '/v1' });
  router.use(async (ctx, next) => {
    let authenticated = false;
    const authenticate = deps.authenticateSelf && /^\/v1\/me(?:\/|$)/.test(ctx.path) ? deps.authenticateSelf : deps.authenticate;
    try {
      await authenticate(ctx, async () => {
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
  const isV1 = (path: string) => path === '/v1' || path.startsWith('/v1/');
  // a /v1 path no route matched stops here (no later middleware answers it) ...
  const unknownPath: Middleware = async (ctx, next) => (isV1(ctx.path) ? undefined : next());
  // ... and becomes a problem: 405 with `Allow` for a known path (the router's allowedMethods
  // sets both, which it cannot when it throws), else 404; the error boundary writes them
  const unmatched: Middleware = async (ctx, next) => {
    await next();
    if (ctx.status === 405) {
      const allow = String(ctx.response.get('Allow'));
      throw new HttpProblem(405, 'method_not_allowed', 'Method not allowed', `This endpoint accepts ${allow}.`, {}, { Allow: allow });
    }
    if (ctx.status === 404 && ctx.body == null && isV1(ctx.path)) throw problems.notFound('endpoint');
  };
  const middleware = compose([
    openapi.routes(), unmatched, router.allowedMethods(), router.routes(), unknownPath,
  ] as Middleware[]) as Middleware;
  return { middleware, routes, document };
}
