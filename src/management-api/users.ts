import { z } from 'zod';
import { problems } from '../http/problem.js';
import { publicUser, type Identity, type Member } from '../identity/index.js';
import type { Store } from '../store/ports.js';
import { crudRoutes, type CrudService } from './crud.js';
import { assertRolesGrantable } from './grants.js';
import { displayName, timestamp } from './schemas/common.js';

const roles = z.array(z.string().max(64)).max(50).describe('role names: `admin`, `member` or custom roles');

const memberObject = z.object({
  object: z.literal('member'), id: z.string().describe('the user id'), email: z.string(), name: z.string().nullable(),
  roles: z.array(z.string()), disabled: z.boolean(), joined_at: timestamp,
});

const memberToJson = (m: Member) => ({
  object: 'member' as const, id: m.userId, email: m.user?.email ?? null, name: m.user?.name ?? null,
  roles: m.roles, disabled: m.user?.disabled ?? false, joined_at: m.createdAt.toISOString(),
});

const createBody = z.object({
  email: z.string().max(254),
  password: z.string().min(1).max(1024).optional().describe('needed only when the email has no user yet; an existing user keeps their password'),
  name: displayName.nullable().optional(),
  roles: roles.optional().describe('default `["member"]`'),
}).strict();

type CreateMember = z.output<typeof createBody>;

/**
 * Members of an organization, seen through the collection shape: POST adds an existing user (by
 * email) or creates one, PATCH sets roles, DELETE ends the membership (the user stays).
 */
function members(identity: Identity, store: Pick<Store, 'memberships'>): CrudService<Member> {
  const { users } = identity;
  const get = async (organizationId: string, userId: string): Promise<Member> => {
    const membership = await store.memberships.find(organizationId, userId);
    const user = membership && (await users.get(userId));
    if (!membership || !user) throw problems.notFound('member');
    return { ...membership, user: publicUser(user) };
  };
  return {
    async create(organizationId, input: CreateMember) {
      const wanted = input.roles ?? ['member'];
      const existing = await users.getByEmail(input.email);
      if (existing) {
        await users.addMember(organizationId, existing.id, wanted);
        return get(organizationId, existing.id);
      }
      if (input.password === undefined)
        throw problems.validation([{ field: 'password', message: 'is required to create a new user' }]);
      const { user } = await users.create({ email: input.email, password: input.password, name: input.name, organizationId, roles: wanted });
      return get(organizationId, user.id);
    },
    get,
    list: (organizationId, page) => users.listMembers(organizationId, page),
    async update(organizationId, userId, patch: { roles: string[] }) {
      await users.setRoles(organizationId, userId, patch.roles);
      return get(organizationId, userId);
    },
    delete: (organizationId, userId) => users.removeMember(organizationId, userId),
  };
}

/** `/organizations/{org}/users`: nobody can hand out roles stronger than their own permissions. */
export function userRoutes(identity: Identity, store: Pick<Store, 'memberships'>) {
  return crudRoutes({
    noun: 'users', auditNoun: 'user', tag: 'Users', service: members(identity, store),
    idOf: (m) => m.userId, toJson: memberToJson, object: memberObject,
    createBody, updateBody: z.object({ roles }).strict(),
    guard: (caller, organizationId, body) => assertRolesGrantable(caller, identity.roles, organizationId, body.roles ?? ['member']),
    auditMetadata: (body) => ({ roles: body.roles ?? ['member'] }),
  });
}
