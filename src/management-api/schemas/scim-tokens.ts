import { z } from 'zod';
import { duration, permissionList, timestamp } from './common.js';

export const createScimTokenBody = z.object({
  name: z.string().trim().min(1).max(100).describe('what it is for, e.g. "Okta"'),
  permissions: permissionList.min(1).describe('what the identity provider may do with it, within your own: `users:read` and '
    + '`users:write` to provision people, `roles:read` (and `roles:write` to create and delete groups), and every permission '
    + 'of each role it gives (`member`: every `:read` permission; `admin`: the whole vocabulary)'),
  expires_in: duration.optional().describe('lifetime, e.g. "365d"; none: the token does not expire'),
}).strict();

export const scimTokenObject = z.object({
  object: z.literal('scim_token'),
  id: z.string(),
  organization: z.string(),
  name: z.string(),
  start: z.string().describe('first characters after `scim_`, for recognition'),
  permissions: z.array(z.string()),
  status: z.enum(['active', 'revoked', 'expired']),
  expires_at: timestamp.nullable(),
  created_at: timestamp,
  created_by: z.string().describe('`user:<id>`, `api_key:<id>`, `client:<id>` or `cli`'),
  revoked_at: timestamp.nullable(),
  last_used_at: timestamp.nullable().describe('within a minute of the last request it authenticated'),
});

export const issuedScimToken = scimTokenObject.extend({
  token: z.string().describe('the plaintext token: shown in this response only'),
  scim_base_url: z.string().describe('the SCIM 2.0 base URL to give the identity provider (`<issuer>/scim/v2`)'),
});
