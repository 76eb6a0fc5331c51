import { z } from 'zod';
import type { Identity, Member } from '../identity/index.js';
import { crudRoutes } from './crud.js';
import { timestamp } from './schemas/common.js';

/** Role names as requests carry them. */
export const roleNames = z.array(z.string().max(64)).max(50).describe('role names: `admin`, `member` or custom roles');

const memberObject = z.object({
  object: z.literal('member'), id: z.string().describe('the user id'), email: z.string(), name: z.string().nullable(),
  roles: z.array(z.string()), disabled: z.boolean().describe('cannot sign in to the organization\'s apps'), joined_at: timestamp,
});

const memberToJson = (m: Member) => ({
  object: 'member' as const, id: m.userId, email: m.user?.email ?? null, name: m.user?.name ?? null,
  roles: m.roles, disabled: m.disabled || (m.user?.disabled ?? false), joined_at: m.createdAt.toISOString(),
});

const updateBody = z.object({
  roles: roleNames.optional(),
  disabled: z.boolean().optional().describe('true: the member cannot sign in here; their grants with the organization\'s apps and their API keys end'),
}).strict().refine((b) => b.roles !== undefined || b.disabled !== undefined, { message: 'set roles, disabled or both' });

/**
 * `/organizations/{org}/users`: the members. There is no POST: people join by accepting an
 * invitation (`/invitations`), so no caller can attach an existing account or set a password
 * for someone else. `identity.members` refuses changing, disabling or removing anyone stronger
 * than the caller, and the last admin.
 */
export function userRoutes(identity: Identity) {
  const { members } = identity;
  return crudRoutes({
    noun: 'users', auditNoun: 'user', tag: 'Users',
    service: { get: members.get, list: members.list, update: members.update, delete: members.remove },
    idOf: (m) => m.userId, toJson: memberToJson, object: memberObject, updateBody,
    summaries: { update: 'Change a member\'s roles, or disable or enable them', delete: 'Remove a member (their API keys are revoked)' },
    // a removal is the `member.removed` event, audited with it
    recordedByService: ['delete'],
    auditMetadata: (body) => {
      const { roles, disabled } = body as z.output<typeof updateBody>;
      return { roles, disabled };
    },
  });
}
