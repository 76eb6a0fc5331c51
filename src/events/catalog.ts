/**
 * Every event Gatehouse emits (SPEC §9), as data: whether it is an alert (also sent to the
 * organization's admins through the alert seam), the permission whose data it carries (an
 * endpoint may subscribe to it only for a caller holding that permission, so a webhook never
 * reveals more than its creator may read), and what it means.
 */
export interface EventTypeInfo {
  alert: boolean;
  /** the read permission that sees this event's data */
  permission: string;
  description: string;
}

export const EVENT_TYPES = {
  'api_key.created': { alert: false, permission: 'api_keys:read', description: 'an API key was created' },
  'api_key.updated': { alert: false, permission: 'api_keys:read', description: "an API key's name, permissions, IP allowlist, rate limit or metadata changed, or it was disabled or re-enabled" },
  'api_key.rotated': { alert: false, permission: 'api_keys:read', description: 'an API key was rotated: `data.api_key` is the successor' },
  'api_key.revoked': { alert: false, permission: 'api_keys:read', description: 'an API key was revoked' },
  'api_key.expiring': { alert: true, permission: 'api_keys:read', description: 'an API key expires in 14 days, or in 1 day (once each)' },
  'api_key.rotation_due': { alert: true, permission: 'api_keys:read', description: "an API key is older than the organization's rotation reminder (once per key)" },
  'api_key.leaked': { alert: true, permission: 'api_keys:read', description: 'an API key was found in public (secret scanning)' },
  'quota.threshold': { alert: true, permission: 'organizations:read', description: "the organization used 80 % or 100 % of its plan's monthly units" },
  'usage.anomaly': { alert: true, permission: 'api_keys:read', description: "an hour of a key's use far above its usual" },
  'refresh_token.reuse_detected': { alert: true, permission: 'clients:read', description: 'a refresh token was used twice: its token family was revoked' },
  'member.invited': { alert: false, permission: 'users:read', description: 'someone was invited to the organization' },
  'member.joined': { alert: false, permission: 'users:read', description: 'someone joined the organization' },
  'member.removed': { alert: false, permission: 'users:read', description: 'someone left or was removed from the organization' },
  'app.connected': { alert: false, permission: 'clients:read', description: 'a member authorized an app to act for the organization for the first time' },
  'app.disconnected': { alert: false, permission: 'clients:read', description: "an app was disconnected: its grants in the organization ended" },
  'webhook_endpoint.disabled': { alert: true, permission: 'webhooks:read', description: 'a webhook endpoint failing for days was disabled' },
} as const satisfies Record<string, EventTypeInfo>;

export type EventType = keyof typeof EVENT_TYPES;

/** Every event type, in catalogue order. */
export const EVENT_TYPE_NAMES = Object.keys(EVENT_TYPES) as EventType[];

/** What a webhook endpoint may subscribe to: an event type, or `*` for every one (present and future). */
export const ALL_EVENTS = '*';

export function isEventType(value: string): value is EventType {
  return Object.hasOwn(EVENT_TYPES, value);
}

/** Whether an endpoint subscribed to `subscribed` receives events of `type`. */
export function subscribes(subscribed: readonly string[], type: string): boolean {
  return subscribed.includes(ALL_EVENTS) || subscribed.includes(type);
}

/** The read permissions whose data a subscription carries (`*`: every event's). */
export function permissionsToSubscribe(subscribed: readonly string[]): string[] {
  const types = subscribed.includes(ALL_EVENTS) ? EVENT_TYPE_NAMES : subscribed.filter(isEventType);
  return [...new Set(types.map((t) => EVENT_TYPES[t].permission))];
}
