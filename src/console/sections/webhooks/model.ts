import { grantsAll } from '../../../domain/permissions.js';
import { ALL_EVENTS, EVENT_TYPE_NAMES, EVENT_TYPES, permissionsToSubscribe, type EventType } from '../../../events/catalog.js';
import type { OrgPage } from '../section.js';

/** An endpoint as the API answers (`secret` only in the answers to create and rotate-secret). */
export interface EndpointJson {
  id: string;
  url: string;
  description: string;
  events: string[];
  enabled: boolean;
  disabled_reason: 'failing' | 'manual' | null;
  failing_since: string | null;
  previous_secret_expires_at: string | null;
  created_at: string;
  secret?: string;
}

/** A delivery as the API answers. */
export interface DeliveryJson {
  id: string;
  event_id: string;
  event_type: string;
  status: 'pending' | 'succeeded' | 'failed';
  attempts: number;
  next_attempt_at: string | null;
  last_attempt_at: string | null;
  last_status_code: number | null;
  last_error: string | null;
  redelivery_of: string | null;
  created_at: string;
}

export const READ = 'webhooks:read';
export const WRITE = 'webhooks:write';
/** How long the previous signing secret keeps signing after a rotation (the API allows 0 to 7 days). */
export const GRACE_CHOICES: Array<[string, string]> = [['0', 'no time (stops at once)'], ['1h', '1 hour'], ['24h', '24 hours'], ['7d', '7 days']];
export const endpointPath = (page: OrgPage) => `/webhooks/${encodeURIComponent(page.params.id)}`;

/** The event types the person may subscribe to: each needs the read permission of its data. */
export const subscribable = (page: OrgPage): EventType[] => EVENT_TYPE_NAMES.filter((t) => page.can(EVENT_TYPES[t].permission));

/** Whether the person holds what every event of the subscription carries (`*`: all of them). */
export const mayCarry = (page: OrgPage, events: readonly string[]) => grantsAll(page.permissions, permissionsToSubscribe(events));

/**
 * Whether the person may change, re-key, pause, delete or redeliver to this endpoint: the API
 * asks `webhooks:write` and every read permission its events carry.
 */
export const controls = (page: OrgPage, endpoint: EndpointJson) => page.can(WRITE) && mayCarry(page, endpoint.events);

/** The subscription in words: "All events" for `*`. */
export const eventsLabel = (events: readonly string[]) => (events.includes(ALL_EVENTS) ? ['All events'] : events);
