import { z } from 'zod';
import { parseDuration } from '../../domain/durations.js';
import { duration, timestamp } from './common.js';

const THIRTY_DAYS = 30 * 86_400;

/** A JWK Set of public keys (checked in depth by the client service). */
export const jwksField = z.object({ keys: z.array(z.record(z.string(), z.unknown())).min(1).max(10) }).strict()
  .describe('private_key_jwt: the public keys (JWK Set) the client signs its assertions with');

/** The client fields beyond the original ones: reach and key-based authentication. */
export const clientReachAndKeys = {
  multi_organization: z.boolean().optional()
    .describe("may sign in members of any organization (each picks or names the one it acts for); default false: this organization's members only"),
  jwks: jwksField.nullable().optional(),
  jwks_uri: z.string().max(2048).nullable().optional()
    .describe('private_key_jwt: where the client publishes its public keys (https)'),
};

export const authMethodField = z.enum(['client_secret_basic', 'client_secret_post', 'private_key_jwt']).optional()
  .describe('confidential clients (default client_secret_basic); private_key_jwt needs jwks or jwks_uri and gets no secret');

/** What the client object adds to the response. */
export const clientReachAndKeysOut = {
  multi_organization: z.boolean(),
  jwks: z.object({ keys: z.array(z.record(z.string(), z.unknown())) }).nullable(),
  jwks_uri: z.string().nullable(),
  previous_secret_expires_at: timestamp.nullable().describe('after a rotation with a grace period: when the previous secret stops working'),
};

export const rotateSecretBody = z.object({
  grace_period: z.union([z.literal(0), z.literal('0'),
    duration.refine((v) => (parseDuration(v) ?? 0) <= THIRTY_DAYS, 'must be at most 30 days (30d)')]).optional()
    .describe('how long the previous secret keeps working (default 0: it stops at once; at most "30d")'),
}).strict();

/** The grace period in seconds (0 when absent or zero). */
export const graceSeconds = (body: z.output<typeof rotateSecretBody>): number =>
  body.grace_period === undefined || body.grace_period === 0 || body.grace_period === '0' ? 0 : parseDuration(body.grace_period)!;
