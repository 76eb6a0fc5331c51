import Router from '@koa/router';
import compose from 'koa-compose';
import type { Context, Middleware } from 'koa';
import type { Logger } from 'pino';
import { missing } from '../../domain/permissions.js';
import { readJsonBody } from '../../http/body.js';
import type { ScimRequest } from '../context.js';
import { discovery } from '../discovery.js';
import type { ScimGroups } from '../groups/service.js';
import { GROUP_SCHEMA, USER_SCHEMA, type ResourceSchema } from '../protocol/attributes.js';
import { ScimError, scimErrors } from '../protocol/errors.js';
import { listResponse, pagingOf } from '../protocol/list.js';
import { projectionOf } from '../protocol/projection.js';
import { SCIM_MEDIA_TYPE } from '../protocol/urns.js';
import type { ScimTokens } from '../tokens/service.js';
import type { ScimUsers } from '../users/service.js';
import { authenticateScim } from './authenticate.js';
import { scimErrorBoundary } from './errors.js';

type Json = Record<string, unknown>;

export interface ScimRouterDeps {
  tokens: Pick<ScimTokens, 'authenticate'>;
  users: ScimUsers;
  groups: ScimGroups;
  /** `<issuer>/scim/v2` */
  base: string;
  bodyLimitBytes: number;
  logger: Logger;
}

const PREFIX = '/scim/v2';
const isScim = (path: string) => path === PREFIX || path.startsWith(`${PREFIX}/`);
const scimOf = (ctx: Context) => ctx.state.scim as ScimRequest;

/** A query parameter's one value (a repeated parameter is a 400). */
function single(ctx: Context, name: string): string | undefined {
  const value = ctx.query[name];
  if (Array.isArray(value)) throw scimErrors.invalidValue(`Send ${name} once.`);
  return value;
}

function send(ctx: Context, status: number, body: Json | null): void {
  ctx.status = status;
  if (body === null) return;
  ctx.type = `${SCIM_MEDIA_TYPE}; charset=utf-8`;
  ctx.body = JSON.stringify(body);
  const location = (body.meta as Json | undefined)?.location;
  if (status === 201 && typeof location === 'string') ctx.set('Location', location);
}

/** 403 unless the token holds each permission (the route's own; the services check the invariants). */
const need = (...permissions: string[]): Middleware => async (ctx, next) => {
  const principal = scimOf(ctx).caller.principal;
  const lacking = missing(principal === 'operator' ? permissions : principal.permissions, permissions);
  if (lacking.length) throw new ScimError(403, `insufficient_scope: this SCIM token lacks ${lacking.join(', ')}.`);
  await next();
};

/**
 * The SCIM 2.0 service provider at `/scim/v2` (RFC 7644): discovery, `/Users`, `/Groups`.
 * Every request needs a SCIM token; bodies are `application/scim+json` (or `application/json`),
 * and so is every answer, errors included.
 */
export function scimRouter(deps: ScimRouterDeps): Middleware {
  const { users, groups } = deps;
  const docs = discovery(deps.base);
  const router = new Router({ prefix: PREFIX });
  const body = (ctx: Context) => readJsonBody(ctx, deps.bodyLimitBytes);
  const listQuery = (ctx: Context, schema: ResourceSchema) => ({
    filter: single(ctx, 'filter'),
    paging: pagingOf({ startIndex: single(ctx, 'startIndex'), count: single(ctx, 'count') }),
    projection: projectionOf(schema, { attributes: single(ctx, 'attributes'), excludedAttributes: single(ctx, 'excludedAttributes') }),
  });
  const projection = (ctx: Context, schema: ResourceSchema) =>
    projectionOf(schema, { attributes: single(ctx, 'attributes'), excludedAttributes: single(ctx, 'excludedAttributes') });

  router
    .get('/ServiceProviderConfig', (ctx) => send(ctx, 200, docs.serviceProviderConfig))
    .get('/ResourceTypes', (ctx) => send(ctx, 200, listResponse(docs.resourceTypes, docs.resourceTypes.length, 1)))
    .get('/ResourceTypes/:id', (ctx) => {
      const found = docs.resourceTypes.find((r) => r.id === ctx.params.id);
      if (!found) throw scimErrors.notFound('ResourceType');
      send(ctx, 200, found);
    })
    .get('/Schemas', (ctx) => send(ctx, 200, listResponse(docs.schemas, docs.schemas.length, 1)))
    .get('/Schemas/:id', (ctx) => {
      const found = docs.schemas.find((s) => s.id === ctx.params.id);
      if (!found) throw scimErrors.notFound('Schema');
      send(ctx, 200, found);
    })
    .get('/Users', need('users:read'), async (ctx) => send(ctx, 200, await users.list(scimOf(ctx), listQuery(ctx, USER_SCHEMA))))
    .post('/Users', need('users:read', 'users:write'), async (ctx) => send(ctx, 201, await users.create(scimOf(ctx), await body(ctx))))
    .get('/Users/:id', need('users:read'), async (ctx) => send(ctx, 200, await users.get(scimOf(ctx), ctx.params.id, projection(ctx, USER_SCHEMA))))
    .put('/Users/:id', need('users:read', 'users:write'), async (ctx) => send(ctx, 200, await users.replace(scimOf(ctx), ctx.params.id, await body(ctx))))
    .patch('/Users/:id', need('users:read', 'users:write'), async (ctx) => send(ctx, 200, await users.patch(scimOf(ctx), ctx.params.id, await body(ctx))))
    .delete('/Users/:id', need('users:write'), async (ctx) => send(ctx, 204, await users.delete(scimOf(ctx), ctx.params.id).then(() => null)))
    .get('/Groups', need('roles:read', 'users:read'), async (ctx) => send(ctx, 200, await groups.list(scimOf(ctx), listQuery(ctx, GROUP_SCHEMA))))
    .post('/Groups', need('roles:read', 'roles:write', 'users:read', 'users:write'), async (ctx) => send(ctx, 201, await groups.create(scimOf(ctx), await body(ctx))))
    .get('/Groups/:id', need('roles:read', 'users:read'), async (ctx) => send(ctx, 200, await groups.get(scimOf(ctx), ctx.params.id, projection(ctx, GROUP_SCHEMA))))
    .put('/Groups/:id', need('roles:read', 'users:read', 'users:write'), async (ctx) => send(ctx, 200, await groups.replace(scimOf(ctx), ctx.params.id, await body(ctx))))
    .patch('/Groups/:id', need('roles:read', 'users:read', 'users:write'), async (ctx) => send(ctx, 200, await groups.patch(scimOf(ctx), ctx.params.id, await body(ctx))))
    .delete('/Groups/:id', need('roles:write', 'users:write'), async (ctx) => send(ctx, 204, await groups.delete(scimOf(ctx), ctx.params.id).then(() => null)))
    .all(['/Me', '/Bulk', '/.search', '/Users/.search', '/Groups/.search'], () => {
      throw new ScimError(501, 'Not implemented: see ServiceProviderConfig for what this service provider supports.');
    });

  // a /scim/v2 path no route matched stops here: 405 with `Allow` for a known path, else 404
  const unmatched: Middleware = async (ctx, next) => {
    await next();
    if (ctx.status === 405) {
      const allow = String(ctx.response.get('Allow'));
      throw new ScimError(405, `This endpoint accepts ${allow}.`, undefined, { Allow: allow });
    }
    if (ctx.status === 404 && ctx.body == null) throw scimErrors.notFound('endpoint');
  };
  const scim = compose([
    scimErrorBoundary(deps.logger), authenticateScim(deps.tokens), unmatched, router.allowedMethods(), router.routes(),
  ] as Middleware[]);
  return (ctx, next) => (isScim(ctx.path) ? scim(ctx, async () => {}) : next());
}
