import { apiKeyToJson } from '../api-keys/serialize.js';
import { keyStatus } from '../domain/api-keys/status.js';
import type { ApiKeyRecord } from '../store/ports.js';
import type { EventType } from './catalog.js';

/**
 * The `data` of each event type: what a webhook receives. Built from allowlists (never a
 * secret, a digest or a token), snake_case like the API.
 */

/** An API key as the API shows it, less what changes on every use (`last_used_at`). */
export type ApiKeyData = Omit<ReturnType<typeof apiKeyToJson>, 'last_used_at'>;

/** An app, as events name it. */
export interface AppData { client_id: string; name: string | null }

export interface EventPayloads {
  'api_key.created': { api_key: ApiKeyData };
  /** `changed_fields`: what the request set; `previous`: the former value of each one that changed (enabled, metadata, …) */
  'api_key.updated': { api_key: ApiKeyData; changed_fields: string[]; previous: Record<string, unknown> };
  'api_key.rotated': { api_key: ApiKeyData; previous_key: { id: string; expires_at: string | null } };
  /**
   * `requested`: revoked through the API, CLI or console; `creator_*`: the member who made it left
   * or was disabled; `leaked`: secret scanning found it in public (with `api_key.leaked`)
   */
  'api_key.revoked': { api_key: ApiKeyData; reason: 'requested' | 'creator_removed' | 'creator_disabled' | 'leaked' };
  'api_key.expiring': { api_key: ApiKeyData; days_before: number };
  'api_key.rotation_due': { api_key: ApiKeyData; age_days: number; reminder_days: number };
  'api_key.leaked': { api_key: ApiKeyData; source: string; url: string | null; action: 'revoked' | 'notified' };
  'quota.threshold': { percent: number; used: number; quota: number; period_start: string; period_end: string };
  'usage.anomaly': { api_key_id: string; hour: string; requests: number; usual_requests: number };
  'refresh_token.reuse_detected': { app: AppData; user_id: string | null };
  'member.invited': { invitation_id: string; email: string; roles: string[] };
  'member.joined': { user_id: string; email: string; roles: string[] };
  'member.removed': { user_id: string; email: string | null };
  'app.connected': { app: AppData; user_id: string; scopes: string[]; permissions: string[] };
  'app.disconnected': { app: AppData; members: number };
  'webhook_endpoint.disabled': { webhook_endpoint: { id: string; url: string }; failing_since: string; reason: 'failing' };
}

// a compile-time check that every catalogued type has a payload and nothing else does
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const _everyTypeHasAPayload: Same<keyof EventPayloads, EventType> = true;
void _everyTypeHasAPayload;

/** An API key's event data at `now`. */
export function apiKeyData(record: ApiKeyRecord, now: Date): ApiKeyData {
  const { last_used_at: _changesOnEveryUse, ...rest } = apiKeyToJson(record, keyStatus(record, now), null);
  return rest;
}
