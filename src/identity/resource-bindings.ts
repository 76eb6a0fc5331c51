import type { Caller } from '../audit/actor.js';
import { problems } from '../http/problem.js';
import type { ResourceBinding, Store } from '../store/ports.js';
import { assertHolds, loadControlled } from './authority.js';
import type { Resources } from './resources.js';

/** The authentication methods introspection and usage reports accept: a client with a secret. */
const CONFIDENTIAL = new Set(['client_secret_basic', 'client_secret_post']);

/**
 * Resource-server bindings: a confidential client bound to a resource speaks for that API to
 * Gatehouse. It may introspect any organization's API keys and access tokens holding one of the
 * resource's permissions (answers filtered to them; an organization's own resource reaches only
 * that organization's credentials), and report their usage. Binding lets a client learn about
 * credentials, so only a caller entitled to the resource binds: in its scope (a platform resource:
 * server-scoped callers only; an organization's: that organization's), live, holding every
 * permission the resource defines and `clients:write`.
 */
export interface ResourceBindings {
  /** @throws HttpProblem 400 (not a confidential client), 403, 404 resource. @returns the binding, and whether it is new */
  bind(caller: Caller, organizationId: string | null, resourceId: string, clientId: string): Promise<{ binding: ResourceBinding; created: boolean }>;
  /** @throws HttpProblem 403, 404 (resource, or the client not bound to it) */
  unbind(caller: Caller, organizationId: string | null, resourceId: string, clientId: string): Promise<void>;
  /** @throws HttpProblem 404 resource */
  list(organizationId: string | null, resourceId: string): Promise<ResourceBinding[]>;
}

export function createResourceBindings(store: Store, resources: Pick<Resources, 'get'>): ResourceBindings {
  const entitled = async (caller: Caller, organizationId: string | null, resourceId: string) => {
    const resource = await loadControlled(caller, organizationId, () => resources.get(organizationId, resourceId),
      (r) => r.permissions, 'You cannot bind a resource server to an API that defines');
    assertHolds(caller, ['clients:write'], 'Binding changes what a client may learn: you cannot bind without the');
    return resource;
  };
  return {
    async bind(caller, organizationId, resourceId, clientId) {
      const resource = await entitled(caller, organizationId, resourceId);
      const client = typeof clientId === 'string' ? await store.clients.findById(clientId) : null;
      // unknown and unsuitable clients get the same answer: another organization's client ids are not confirmed
      if (!client || !CONFIDENTIAL.has(client.tokenEndpointAuthMethod)) {
        throw problems.validation([{ field: 'client_id', message: 'must name a confidential client (client_secret_basic or client_secret_post)' }]);
      }
      const binding = { resourceId: resource.id, clientId: client.clientId, createdAt: new Date() };
      const created = await store.resourceBindings.bind(binding);
      if (created) return { binding, created };
      return { binding: (await store.resourceBindings.clientsOf(resource.id)).find((b) => b.clientId === client.clientId) ?? binding, created };
    },
    async unbind(caller, organizationId, resourceId, clientId) {
      const resource = await entitled(caller, organizationId, resourceId);
      if (!(await store.resourceBindings.unbind(resource.id, clientId))) throw problems.notFound('bound client');
    },
    async list(organizationId, resourceId) {
      const resource = await resources.get(organizationId, resourceId);
      return store.resourceBindings.clientsOf(resource.id);
    },
  };
}
