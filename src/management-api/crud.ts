import { z } from 'zod';
import type { Caller } from '../audit/actor.js';
import type { Page, PageRequest } from '../store/ports.js';
import type { Organization } from '../store/ports.js';
import { scopedRoute, type AnyRoute } from './route-kit.js';
import { listQuery, pageJson, pageOf } from './schemas/common.js';

/**
 * The operations an organization's collection offers (services adapt to this shape). Every
 * mutation takes the caller: the service, not the route, enforces the authorization invariants.
 */
export interface CrudService<T> {
  create?(caller: Caller, organizationId: string, input: never): Promise<T>;
  get(organizationId: string, id: string): Promise<T>;
  list(organizationId: string, page: PageRequest): Promise<Page<T>>;
  update?(caller: Caller, organizationId: string, id: string, patch: never): Promise<T>;
  delete(caller: Caller, organizationId: string, id: string): Promise<void>;
}

export interface CrudOptions<T, C extends z.ZodType, U extends z.ZodType> {
  /** path segment, e.g. `roles` → `/organizations/{org}/roles` */
  noun: string;
  /**
   * `server`: the collection of the server scope at `/<noun>`, for server-scoped credentials
   * only; the service is called with a null organization (default `organization`)
   */
  scope?: AnyRoute['scope'];
  /** permission noun when not the path's (`invitations` use `users:*`) */
  permissionNoun?: string;
  /** audit noun, e.g. `role` → `role.created` */
  auditNoun: string;
  tag: string;
  service: CrudService<T>;
  idOf(item: T): string;
  toJson(item: T): unknown;
  object: z.ZodType;
  /** without it there is no POST (e.g. members join by invitation only) */
  createBody?: C;
  /** without it there is no PATCH */
  updateBody?: U;
  /** summaries when the defaults ("Create a role", …) say too little */
  summaries?: Partial<Record<'create' | 'update' | 'delete', string>>;
  /** metadata for the audit event (never secrets) */
  auditMetadata?(body: z.output<C> | z.output<U>): Record<string, unknown>;
  /**
   * Verbs the service records itself, as an event whose audit entry is stored with the change
   * (`member.invited`, `member.removed`): the route does not audit them a second time.
   */
  recordedByService?: ReadonlyArray<'create' | 'update' | 'delete'>;
}

/**
 * The standard collection under `/organizations/{org}/<noun>` (or `/<noun>` for the server
 * scope): POST (201), GET list, GET one, PATCH, DELETE (204), with `<noun>:read` /
 * `<noun>:write`, audited as `<auditNoun>.<verb>` (unless the service records the verb as an event).
 */
export function crudRoutes<T, C extends z.ZodType, U extends z.ZodType>(o: CrudOptions<T, C, U>): AnyRoute[] {
  const scope = o.scope ?? 'organization';
  const route = scopedRoute(scope);
  const base = scope === 'server' ? `/${o.noun}` : `/organizations/{org}/${o.noun}`;
  const read = `${o.permissionNoun ?? o.noun}:read`;
  const write = `${o.permissionNoun ?? o.noun}:write`;
  const target = (id: string) => ({ type: o.auditNoun, id });
  const metadata = (body: unknown) => (o.auditMetadata ? o.auditMetadata(body as z.output<C>) : {});
  const routeAudits = (verb: 'create' | 'update' | 'delete') => !o.recordedByService?.includes(verb);
  const svc = o.service as unknown as {
    create(caller: Caller, org: string | null, input: unknown): Promise<T>;
    get(org: string | null, id: string): Promise<T>;
    list(org: string | null, page: PageRequest): Promise<Page<T>>;
    update(caller: Caller, org: string | null, id: string, patch: unknown): Promise<T>;
    delete(caller: Caller, org: string | null, id: string): Promise<void>;
  };
  const idOf = (org: Organization | null) => org?.id ?? null;
  const thing = o.auditNoun.replace(/_/g, ' ');
  const routes: AnyRoute[] = [];
  if (o.createBody) {
    routes.push(route({
      method: 'post', path: base, tag: o.tag, summary: o.summaries?.create ?? `Create a ${thing}`, permission: write,
      body: o.createBody, status: 201, response: o.object,
      handle: async ({ caller, org, body, audit }) => {
        const item = await svc.create(caller, idOf(org), body);
        if (routeAudits('create')) await audit(`${o.auditNoun}.created`, target(o.idOf(item)), metadata(body));
        return o.toJson(item);
      },
    }));
  }
  routes.push(
    route({
      method: 'get', path: base, tag: o.tag, summary: `List ${o.noun}, newest first`, permission: read,
      query: listQuery, response: pageOf(o.object),
      handle: async ({ org, query }) => pageJson(await svc.list(idOf(org), { limit: query.limit, cursor: query.cursor ?? null }), o.toJson),
    }),
    route({
      method: 'get', path: `${base}/{id}`, tag: o.tag, summary: `Get a ${thing}`, permission: read, response: o.object,
      handle: async ({ org, params }) => o.toJson(await svc.get(idOf(org), params.id)),
    }),
  );
  if (o.updateBody) {
    routes.push(route({
      method: 'patch', path: `${base}/{id}`, tag: o.tag, summary: o.summaries?.update ?? `Update a ${thing}`, permission: write,
      body: o.updateBody, response: o.object,
      handle: async ({ caller, org, params, body, audit }) => {
        const item = await svc.update(caller, idOf(org), params.id, body);
        if (routeAudits('update')) await audit(`${o.auditNoun}.updated`, target(o.idOf(item)), metadata(body));
        return o.toJson(item);
      },
    }));
  }
  routes.push(route({
    method: 'delete', path: `${base}/{id}`, tag: o.tag, summary: o.summaries?.delete ?? `Delete a ${thing}`, permission: write, status: 204,
    handle: async ({ caller, org, params, audit }) => {
      await svc.delete(caller, idOf(org), params.id);
      if (routeAudits('delete')) await audit(`${o.auditNoun}.deleted`, target(params.id));
    },
  }));
  return routes;
}
