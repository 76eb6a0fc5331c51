import type { WebhookDelivery, WebhookEndpoint } from '../store/ports.js';

const iso = (d: Date | null) => d?.toISOString() ?? null;

/**
 * The public (snake_case) form of an endpoint, field by field: never its secrets (the plaintext
 * is added by the caller only in the answer to create and rotate-secret).
 */
export function webhookEndpointToJson(e: WebhookEndpoint) {
  return {
    object: 'webhook_endpoint' as const,
    id: e.id,
    organization: e.organizationId,
    url: e.url,
    description: e.description,
    events: e.events,
    enabled: e.enabled,
    disabled_reason: e.disabledReason,
    failing_since: iso(e.failingSince),
    previous_secret_expires_at: iso(e.previousSecretExpiresAt),
    created_at: e.createdAt.toISOString(),
    updated_at: e.updatedAt.toISOString(),
  };
}

/** The public form of a delivery: its state, never its body (whose data the reader may not be entitled to). */
export function webhookDeliveryToJson(d: WebhookDelivery) {
  return {
    object: 'webhook_delivery' as const,
    id: d.id,
    endpoint_id: d.endpointId,
    event_id: d.eventId,
    event_type: d.eventType,
    status: d.status,
    attempts: d.attempts,
    next_attempt_at: iso(d.nextAttemptAt),
    last_attempt_at: iso(d.lastAttemptAt),
    last_status_code: d.lastStatusCode,
    last_error: d.lastError,
    redelivery_of: d.redeliveryOf,
    created_at: d.createdAt.toISOString(),
    completed_at: iso(d.completedAt),
  };
}
