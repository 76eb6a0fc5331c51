import { z } from 'zod';
import type { Identity } from '../identity/index.js';
import type { Role } from '../store/ports.js';
import { crudRoutes } from './crud.js';
import { permissionList, timestamp } from './schemas/common.js';

const description = z.string().max(500).nullable();

const roleObject = z.object({
  object: z.literal('role'), id: z.string(), name: z.string(), description: z.string().nullable(),
  permissions: z.array(z.string()), created_at: timestamp, updated_at: timestamp,
});

const roleToJson = (r: Role) => ({
  object: 'role' as const, id: r.id, name: r.name, description: r.description, permissions: r.permissions,
  created_at: r.createdAt.toISOString(), updated_at: r.updatedAt.toISOString(),
});

/** Custom roles: a role holds only permissions its creator holds (`identity.roles` enforces it). `{id}` is the id or the name. */
export function roleRoutes(identity: Identity) {
  return crudRoutes({
    noun: 'roles', auditNoun: 'role', tag: 'Roles', service: identity.roles, idOf: (r) => r.id, toJson: roleToJson, object: roleObject,
    createBody: z.object({ name: z.string().max(64), description: description.optional(), permissions: permissionList }).strict(),
    updateBody: z.object({ description: description.optional(), permissions: permissionList.optional() }).strict(),
    auditMetadata: (body) => ({ permissions: body.permissions }),
  });
}
