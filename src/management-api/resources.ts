import { z } from 'zod';
import type { Identity } from '../identity/index.js';
import type { Resource } from '../store/ports.js';
import { crudRoutes } from './crud.js';
import { displayName, permissionList, timestamp } from './schemas/common.js';

const resourceObject = z.object({
  object: z.literal('resource'), id: z.string(), identifier: z.string().describe('absolute URI, the token audience'),
  name: z.string(), permissions: z.array(z.string()), created_at: timestamp, updated_at: timestamp,
});

const resourceToJson = (r: Resource) => ({
  object: 'resource' as const, id: r.id, identifier: r.identifier, name: r.name, permissions: r.permissions,
  created_at: r.createdAt.toISOString(), updated_at: r.updatedAt.toISOString(),
});

/**
 * APIs registered by the organization: their identifiers are audiences, their permissions the
 * vocabulary (`identity.resources` keeps anyone from redefining permissions they lack).
 */
export function resourceRoutes(identity: Identity) {
  return crudRoutes({
    noun: 'resources', auditNoun: 'resource', tag: 'Resources', service: identity.resources,
    idOf: (r) => r.id, toJson: resourceToJson, object: resourceObject,
    createBody: z.object({ identifier: z.string().max(2048), name: displayName.optional(), permissions: permissionList }).strict(),
    updateBody: z.object({ name: displayName.optional(), permissions: permissionList.optional() }).strict(),
    auditMetadata: (body) => ({ permissions: body.permissions }),
  });
}
