import { grantsAll } from '../../../domain/permissions.js';
import type { OrgPage } from '../section.js';

/** An API key as the management API answers (SPEC §4). */
export interface ApiKeyJson {
  id: string;
  name: string;
  environment: 'live' | 'test';
  start: string;
  permissions: string[];
  status: 'active' | 'revoked' | 'expired' | 'disabled';
  enabled: boolean;
  disabled_at: string | null;
  /** a flat object returned on verification (not a secret) */
  metadata: Record<string, string | number | boolean>;
  expires_at: string | null;
  ip_allowlist: string[];
  rate_limit: { limit: number; window_seconds: number } | null;
  created_at: string;
  created_by: string;
  revoked_at: string | null;
  rotated_to: string | null;
  last_used_at: string | null;
  /** only in the answer that creates or rotates the key */
  key?: string;
}

/** How each status is coloured. */
export const STATUS_TONE = { active: 'ok', disabled: 'warn', expired: 'warn', revoked: 'off' } as const;

export const WRITE = 'api_keys:write';
export const READ = 'api_keys:read';

/** How a key is recognised without its secret: `<prefix>_live_3xK9Qa…` (the server's `apiKeys.prefix`). */
export const recognisable = (page: Pick<OrgPage, 'keyPrefix'>, k: Pick<ApiKeyJson, 'environment' | 'start'>) => `${page.keyPrefix}_${k.environment}_${k.start}…`;

/**
 * Whether the person may change, rotate, disable or revoke the key: the API wants
 * `api_keys:write` and every permission the key holds (no one acts on a key stronger than
 * themselves), and a key still active or disabled.
 */
export const mayControl = (page: Pick<OrgPage, 'can' | 'permissions'>, k: Pick<ApiKeyJson, 'status' | 'permissions'>): boolean =>
  (k.status === 'active' || k.status === 'disabled') && page.can(WRITE) && grantsAll(page.permissions, k.permissions);

/** Expiry choices offered when creating a key (the API takes any duration up to 10 years). */
export const EXPIRY_CHOICES: Array<[string, string]> = [
  ['7d', '7 days'], ['30d', '30 days'], ['90d', '90 days'], ['365d', '1 year'], ['', 'Never'],
];

/** Grace periods offered when rotating. */
export const GRACE_CHOICES: Array<[string, string]> = [['0', 'None: the old key stops at once'], ['1h', '1 hour'], ['24h', '24 hours'], ['7d', '7 days']];
