import { z } from 'zod';
import type { Identity } from '../identity/index.js';
import type { Invitation } from '../store/ports.js';
import { crudRoutes } from './crud.js';
import { timestamp } from './schemas/common.js';
import { roleNames } from './users.js';

const invitationObject = z.object({
  object: z.literal('invitation'), id: z.string(), email: z.string(), roles: z.array(z.string()),
  status: z.enum(['pending', 'accepted', 'revoked', 'expired']),
  invited_by: z.string().describe('`user:<id>`, `api_key:<id>`, `client:<id>`, `scim_token:<id>` (SCIM provisioning) or `cli`'),
  created_at: timestamp, expires_at: timestamp, accepted_at: timestamp.nullable(),
  accepted_by: z.string().nullable().describe('the user id of who accepted'), revoked_at: timestamp.nullable(),
});

/**
 * `/organizations/{org}/invitations` (`users:read` / `users:write`): POST mails a single-use link
 * (7 days) to the email; the answer is the same whether or not the email has an account. DELETE
 * revokes a pending invitation.
 */
export function invitationRoutes(identity: Identity) {
  const { invitations } = identity;
  const toJson = (i: Invitation) => ({
    object: 'invitation' as const, id: i.id, email: i.email, roles: i.roles, status: invitations.status(i), invited_by: i.invitedBy,
    created_at: i.createdAt.toISOString(), expires_at: i.expiresAt.toISOString(), accepted_at: i.acceptedAt?.toISOString() ?? null,
    accepted_by: i.acceptedBy, revoked_at: i.revokedAt?.toISOString() ?? null,
  });
  return crudRoutes({
    noun: 'invitations', permissionNoun: 'users', auditNoun: 'invitation', tag: 'Invitations',
    service: { create: invitations.create, get: invitations.get, list: invitations.list, delete: invitations.revoke },
    idOf: (i) => i.id, toJson, object: invitationObject,
    createBody: z.object({
      email: z.string().max(254),
      roles: roleNames.optional().describe('default `["member"]`; the caller must hold every permission of these roles'),
    }).strict(),
    summaries: { create: 'Invite someone by email (a single-use link, valid 7 days, is mailed)', delete: 'Revoke a pending invitation' },
    // an invitation is the `member.invited` event, audited with it
    recordedByService: ['create'],
  });
}
