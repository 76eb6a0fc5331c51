import { z } from 'zod';
import { METADATA_LIMITS } from '../../domain/api-keys/metadata.js';
import { duration, permissionList, timestamp } from './common.js';

const rateLimit = z.object({
  limit: z.number().int().min(1).max(1_000_000).describe('requests allowed per window'),
  window_seconds: z.number().int().min(1).max(86_400),
}).strict();

const ipAllowlist = z.array(z.string().max(64)).max(50)
  .describe('IPv4/IPv6 CIDRs (e.g. 10.0.0.0/8); empty allows every address');

const keyName = z.string().trim().min(1).max(100);

// the shape only: the bounds (entries, lengths, bytes) are the service's, so the CLI and the
// console get the same 400s
const metadata = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]))
  .describe(`a flat JSON object (string, number and boolean values) returned on verification and introspection: at most ${METADATA_LIMITS.maxKeys} keys of 1-${METADATA_LIMITS.maxKeyLength} characters (A-Z a-z 0-9 _ : -), strings of at most ${METADATA_LIMITS.maxStringLength} characters, ${METADATA_LIMITS.maxBytes} bytes in all; not a secret`);

export const createApiKeyBody = z.object({
  name: keyName,
  permissions: permissionList.min(1),
  environment: z.enum(['live', 'test']).optional().describe('default `live`'),
  expires_in: duration.optional()
    .describe('lifetime, e.g. "90d"; none: the key does not expire, or, where the organization sets a max_key_lifetime, lives that long (a longer one is refused)'),
  ip_allowlist: ipAllowlist.optional(),
  rate_limit: rateLimit.nullable().optional(),
  metadata: metadata.optional(),
}).strict();

export const updateApiKeyBody = z.object({
  name: keyName.optional(),
  permissions: permissionList.min(1).optional()
    .describe('replaces the permissions; only within the caller\'s own'),
  ip_allowlist: ipAllowlist.optional(),
  rate_limit: rateLimit.nullable().optional().describe('null removes the key\'s own limit'),
  metadata: metadata.optional().describe('replaces the key\'s metadata ({} clears it)'),
  enabled: z.boolean().optional()
    .describe('false disables the key (refused like a revoked one until re-enabled); true re-enables it. A revoked or expired key cannot be re-enabled (409)'),
}).strict();

export const rotateApiKeyBody = z.object({
  grace_period: z.union([z.literal(0), z.literal('0'), duration]).optional()
    .describe('how long the old key keeps working (default "24h"; 0: stops at once)'),
}).strict();

export const keyListQuery = z.object({
  status: z.enum(['active', 'disabled', 'revoked', 'expired']).optional(),
});

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a UTC day, YYYY-MM-DD');
export const usageQuery = z.object({ from: day.optional(), to: day.optional() });

export const apiKeyObject = z.object({
  object: z.literal('api_key'),
  id: z.string(),
  organization: z.string().nullable().describe('null for a server-scoped key'),
  name: z.string(),
  environment: z.enum(['live', 'test']),
  start: z.string().describe('first characters after `ak_<env>_`, for recognition'),
  permissions: z.array(z.string()),
  status: z.enum(['active', 'disabled', 'revoked', 'expired']),
  enabled: z.boolean().describe('false while disabled'),
  disabled_at: timestamp.nullable(),
  metadata: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
  expires_at: timestamp.nullable(),
  ip_allowlist: z.array(z.string()),
  rate_limit: z.object({ limit: z.number(), window_seconds: z.number() }).nullable(),
  created_at: timestamp,
  created_by: z.string().describe('`user:<id>`, `api_key:<id>`, `client:<id>` or `cli`'),
  updated_at: timestamp,
  revoked_at: timestamp.nullable(),
  rotated_to: z.string().nullable(),
  last_used_at: timestamp.nullable().describe('may lag real use by up to the usage flush interval'),
});

export const issuedApiKey = apiKeyObject.extend({
  key: z.string().describe('the plaintext key: shown in this response only'),
});

export const usageObject = z.object({
  key_id: z.string(),
  days: z.array(z.object({ day: z.string(), count: z.number() })),
});
