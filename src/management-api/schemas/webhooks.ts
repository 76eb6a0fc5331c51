import { z } from 'zod';
import { parseDuration } from '../../domain/durations.js';
import { ALL_EVENTS, EVENT_TYPE_NAMES } from '../../events/catalog.js';
import { duration, timestamp } from './common.js';

const SEVEN_DAYS = 7 * 86_400;

const url = z.string().min(1).max(2048).describe('where deliveries are POSTed: https (http only where the operator allows private networks)');
const events = z.array(z.string().max(100)).min(1).max(50)
  .describe(`event types to receive (${EVENT_TYPE_NAMES.join(', ')}), or "${ALL_EVENTS}" for all; each needs the read permission of its data`);
const description = z.string().max(500).describe('what the endpoint is for');

export const createWebhookBody = z.object({ url, events, description: description.optional() }).strict();

export const updateWebhookBody = z.object({
  url: url.optional(),
  events: events.optional(),
  description: description.optional(),
  enabled: z.boolean().optional().describe('false stops deliveries; true resumes them (and forgets past failures)'),
}).strict();

export const rotateWebhookSecretBody = z.object({
  grace_period: z.union([z.literal(0), z.literal('0'),
    duration.refine((v) => (parseDuration(v) ?? 0) <= SEVEN_DAYS, 'must be at most 7 days (7d)')]).optional()
    .describe('how long the previous secret keeps signing beside the new one (default "24h"; 0: stops at once; at most "7d")'),
}).strict();

/** The overlap in seconds (24 h when absent). */
export const overlapSeconds = (body: z.output<typeof rotateWebhookSecretBody>): number =>
  body.grace_period === undefined ? 86_400 : body.grace_period === 0 || body.grace_period === '0' ? 0 : parseDuration(body.grace_period)!;

export const webhookEndpointObject = z.object({
  object: z.literal('webhook_endpoint'), id: z.string(), organization: z.string(), url: z.string(), description: z.string(),
  events: z.array(z.string()), enabled: z.boolean(),
  disabled_reason: z.enum(['failing', 'manual']).nullable().describe('`failing`: every attempt failed for days'),
  failing_since: timestamp.nullable().describe('the first failed attempt since the last success'),
  previous_secret_expires_at: timestamp.nullable().describe('after a secret rotation: until when the previous secret still signs'),
  created_at: timestamp, updated_at: timestamp,
});

export const issuedWebhookEndpoint = webhookEndpointObject.extend({
  secret: z.string().describe('the signing secret (`whsec_…`), shown this once'),
});

export const webhookDeliveryObject = z.object({
  object: z.literal('webhook_delivery'), id: z.string(), endpoint_id: z.string(),
  event_id: z.string().describe('also the `webhook-id` header'), event_type: z.string(),
  status: z.enum(['pending', 'succeeded', 'failed']), attempts: z.number().int(),
  next_attempt_at: timestamp.nullable(), last_attempt_at: timestamp.nullable(),
  last_status_code: z.number().int().nullable(), last_error: z.string().nullable(),
  redelivery_of: z.string().nullable().describe('the delivery this one repeats'), created_at: timestamp, completed_at: timestamp.nullable(),
});
