/** An API key as the management API answers (SPEC §4). */
export interface ApiKeyJson {
  id: string;
  name: string;
  environment: 'live' | 'test';
  start: string;
  permissions: string[];
  status: 'active' | 'revoked' | 'expired' | 'disabled';
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

export const WRITE = 'api_keys:write';
export const READ = 'api_keys:read';

/** How a key is recognised without its secret: `ak_live_3xK9Qa…`. */
export const recognisable = (k: Pick<ApiKeyJson, 'environment' | 'start'>) => `ak_${k.environment}_${k.start}…`;

/** Expiry choices offered when creating a key (the API takes any duration up to 10 years). */
export const EXPIRY_CHOICES: Array<[string, string]> = [
  ['7d', '7 days'], ['30d', '30 days'], ['90d', '90 days'], ['365d', '1 year'], ['', 'Never'],
];

/** Grace periods offered when rotating. */
export const GRACE_CHOICES: Array<[string, string]> = [['0', 'None: the old key stops at once'], ['1h', '1 hour'], ['24h', '24 hours'], ['7d', '7 days']];
