import type Router from '@koa/router';
import type { Context, Middleware } from 'koa';
import type { z } from 'zod';
import type { Caller } from '../audit/actor.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { Principal } from '../domain/principal.js';
import { readJsonBody } from '../http/body.js';
import { problems } from '../http/problem.js';
import type { Organizations } from '../identity/organizations.js';
import type { Organization } from '../store/ports.js';
import { parseOrThrow } from './validate.js';

export type Method = 'get' | 'post' | 'patch' | 'delete';

/** What a route handler receives, already authenticated, scoped, authorised and validated. */
export interface RouteInput<B, Q, O> {
  ctx: Context;
  caller: Caller;
  principal: Principal;
  /** the organization named by `{org}` (organization routes) */
  org: O;
  params: Record<string, string>;
  body: B;
  query: Q;
  /** appends an audit event in the route's organization, by the caller */
  audit(action: string, target: { type: string; id: string } | null, metadata?: Record<string, unknown>): Promise<void>;
}

/** One route: its OpenAPI description and its handler. Paths use OpenAPI syntax (`{org}`). */
export interface RouteSpec<B extends z.ZodType = z.ZodType, Q extends z.ZodType = z.ZodType, O = Organization> {
  method: Method;
  path: string;
  summary: string;
  tag: string;
  /** the permission the route requires (null: a `/me` route, for a person's own token, needs none) */
  permission: string | null;
  body?: B;
  query?: Q;
  /** success status (default 200; 204 sends no body) */
  status?: number;
  /** the success body's schema, for the OpenAPI document */
  response?: z.ZodType;
  /** body fields only server-scoped credentials may send (the service refuses others 403), for the OpenAPI document */
  serverScopeFields?: string[];
  /** the caller must also hold every permission any enabled member holds (the service refuses others 403), for the OpenAPI document */
  requiresMemberPermissions?: boolean;
  handle(input: RouteInput<z.output<B>, z.output<Q>, O>): Promise<unknown>;
}

export interface KitDeps {
  organizations: Pick<Organizations, 'resolve'>;
  audit: AuditLog;
  requirePermissions: (...permissions: string[]) => Middleware;
  bodyLimitBytes: number;
}

/** Organization routes: `{org}` (id or slug) must name an organization the caller belongs to. */
export type OrgRoute = RouteSpec<z.ZodType, z.ZodType, Organization> & { scope: 'organization' };
/** Server routes: only server-scoped credentials (organization null). */
export type ServerRoute = RouteSpec<z.ZodType, z.ZodType, null> & { scope: 'server' };
/** Routes about the caller themself (`/me`): a person's access token only; no `{org}`. */
export type SelfRoute = RouteSpec<z.ZodType, z.ZodType, null> & { scope: 'self' };
export type AnyRoute = OrgRoute | ServerRoute | SelfRoute;

/** Declares an organization route (typing helper). */
export const orgRoute = <B extends z.ZodType, Q extends z.ZodType>(spec: RouteSpec<B, Q, Organization>): AnyRoute =>
  ({ ...spec, scope: 'organization' }) as unknown as AnyRoute;
/** Declares a server route (typing helper). */
export const serverRoute = <B extends z.ZodType, Q extends z.ZodType>(spec: RouteSpec<B, Q, null>): AnyRoute =>
  ({ ...spec, scope: 'server' }) as unknown as AnyRoute;

/** Declares a route about the calling person (typing helper). */
export const selfRoute = <B extends z.ZodType, Q extends z.ZodType>(spec: RouteSpec<B, Q, null>): AnyRoute =>
  ({ ...spec, scope: 'self' }) as unknown as AnyRoute;

/** A declarer for routes that serve both scopes alike (org id, or null for the server scope). */
export const scopedRoute = (scope: AnyRoute['scope']) =>
  <B extends z.ZodType, Q extends z.ZodType>(spec: RouteSpec<B, Q, Organization | null>): AnyRoute =>
    ({ ...spec, scope }) as unknown as AnyRoute;

/**
 * Registers routes on the router with the one shape every management route has:
 * load the organization (404 when absent or not the caller's) → require the permission (403) →
 * parse and validate body and query (400/413/415) → call the handler → answer with its result.
 */
export function mountRoutes(router: Router, routes: AnyRoute[], deps: KitDeps): void {
  for (const route of routes) {
    const koaPath = route.path.replace(/\{(\w+)\}/g, ':$1');
    const permission: Middleware = route.permission ? deps.requirePermissions(route.permission) : (_ctx, next) => next();
    router[route.method](koaPath, scopeOf(route, deps), permission, handlerOf(route, deps));
  }
}

function scopeOf(route: AnyRoute, deps: KitDeps): Middleware {
  return async (ctx, next) => {
    const principal = ctx.state.principal as Principal;
    if (route.scope === 'self') {
      if (principal.type !== 'user') throw problems.forbidden('user_token_required', 'This request needs a person\'s own access token (not an API key or a client\'s token).');
    } else if (route.scope === 'server') {
      if (principal.organization !== null)
        throw problems.forbidden('server_scope_required', 'This request needs a server-scoped credential.');
    } else {
      const org = await deps.organizations.resolve(ctx.params.org);
      // another organization's existence is not disclosed: same 404 as a missing one
      if (!org || (principal.organization !== null && principal.organization !== org.id)) throw problems.notFound('organization');
      ctx.state.organization = org;
    }
    await next();
  };
}

function handlerOf(route: AnyRoute, deps: KitDeps): Middleware {
  return async (ctx) => {
    const principal = ctx.state.principal as Principal;
    const caller: Caller = { principal, ip: ctx.ip };
    const org = (ctx.state.organization ?? null) as Organization | null;
    const body = route.body ? parseOrThrow(route.body, await readJsonBody(ctx, deps.bodyLimitBytes)) : undefined;
    const query = route.query ? parseOrThrow(route.query, { ...ctx.query }) : undefined;
    const handle = route.handle as (input: RouteInput<unknown, unknown, Organization | null>) => Promise<unknown>;
    const result = await handle({
      ctx, caller, principal, org, params: ctx.params, body, query,
      audit: async (action, target, metadata) => {
        await deps.audit.record({ organizationId: org?.id ?? null, action, caller, target, metadata });
      },
    });
    ctx.status = route.status ?? 200;
    if (ctx.status !== 204) ctx.body = result;
  };
}
