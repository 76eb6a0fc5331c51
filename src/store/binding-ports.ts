/**
 * Store port of resource-server bindings: which confidential clients speak for which resource
 * (introspection and usage reports across organizations). Re-exported by `ports.ts`.
 */
import type { Resource } from './ports.js';

/** A client bound to a resource: it may introspect, and report usage of, credentials holding the resource's permissions. */
export interface ResourceBinding {
  resourceId: string;
  clientId: string;
  createdAt: Date;
}

/** Resource-server bindings; a resource or client deleted later leaves its rows unread (`resourcesOf` joins live resources). */
export interface ResourceBindingStore {
  /** binds the client to the resource; false (and nothing changed) when it already was */
  bind(binding: ResourceBinding): Promise<boolean>;
  /** false when the client was not bound to the resource */
  unbind(resourceId: string, clientId: string): Promise<boolean>;
  /** the resource's bindings, oldest first */
  clientsOf(resourceId: string): Promise<ResourceBinding[]>;
  /** the resources (still existing) the client is bound to */
  resourcesOf(clientId: string): Promise<Resource[]>;
}
