import { z } from 'zod';
import type { ResourceBindings } from '../identity/resource-bindings.js';
import type { ResourceBinding } from '../store/ports.js';
import { scopedRoute, type AnyRoute } from './route-kit.js';
import { timestamp } from './schemas/common.js';

const bindingObject = z.object({
  object: z.literal('resource_binding'), resource_id: z.string(), client_id: z.string(), created_at: timestamp,
});

const bindingJson = (b: ResourceBinding) => ({
  object: 'resource_binding' as const, resource_id: b.resourceId, client_id: b.clientId, created_at: b.createdAt.toISOString(),
});

/**
 * `…/resources/{id}/bound-clients`: the confidential clients bound to an API as its resource
 * servers (they introspect, and report usage of, any organization's credentials holding the API's
 * permissions; see `identity/resource-bindings.ts` for who may bind). Platform resources at
 * `/resources/{id}/bound-clients` (server scope), an organization's own under its path.
 */
export function resourceBindingRoutes(bindings: ResourceBindings, scope: AnyRoute['scope'] = 'organization'): AnyRoute[] {
  const route = scopedRoute(scope);
  const base = `${scope === 'server' ? '' : '/organizations/{org}'}/resources/{id}/bound-clients`;
  const tag = scope === 'server' ? 'Platform resources' : 'Resources';
  const auditNoun = scope === 'server' ? 'platform_resource' : 'resource';
  return [
    route({
      method: 'post', path: base, tag, permission: 'resources:write', status: 201, response: bindingObject,
      summary: 'Bind a confidential client as this API\'s resource server: it may introspect, and report usage of, credentials holding the API\'s permissions (idempotent)',
      body: z.object({ client_id: z.string().max(200) }).strict(),
      handle: async ({ caller, org, params, body, audit }) => {
        const { binding, created } = await bindings.bind(caller, org?.id ?? null, params.id, body.client_id);
        if (created) await audit(`${auditNoun}.client_bound`, { type: auditNoun, id: binding.resourceId }, { client_id: binding.clientId });
        return bindingJson(binding);
      },
    }),
    route({
      method: 'get', path: base, tag, permission: 'resources:read', summary: 'List the clients bound to this API, oldest first',
      response: z.object({ data: z.array(bindingObject) }),
      handle: async ({ org, params }) => ({ data: (await bindings.list(org?.id ?? null, params.id)).map(bindingJson) }),
    }),
    route({
      method: 'delete', path: `${base}/{client_id}`, tag, permission: 'resources:write', status: 204,
      summary: 'Unbind a client: its introspection and usage reports for this API stop within the binding cache bound (1 s)',
      handle: async ({ caller, org, params, audit }) => {
        await bindings.unbind(caller, org?.id ?? null, params.id, params.client_id);
        await audit(`${auditNoun}.client_unbound`, { type: auditNoun, id: params.id }, { client_id: params.client_id });
      },
    }),
  ];
}
