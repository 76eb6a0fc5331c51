import { z } from 'zod';
import { MAX_REMINDER_DAYS } from '../../api-keys/organization-settings.js';
import { duration } from './common.js';

/** An organization's API-key policy, as its object shows it. */
export const keySettingsObject = z.object({
  max_key_lifetime: z.string().nullable()
    .describe('keys created or rotated here expire within this duration (e.g. "90d"); null: no limit but the global 10 years'),
  key_rotation_reminder_days: z.number().int().nullable()
    .describe('`api_key.rotation_due` once a key is this many days old; null: reminders are off'),
});

/** The same settings in `PATCH /v1/organizations/{org}`. */
export const keySettingsBody = z.object({
  max_key_lifetime: duration.nullable().optional()
    .describe('e.g. "90d", at most 10 years; null lifts the limit. Lowering it leaves existing keys as they are and applies from their next rotation'),
  key_rotation_reminder_days: z.number().int().min(0).max(MAX_REMINDER_DAYS).nullable().optional()
    .describe('days after which `api_key.rotation_due` is sent (default 90); 0 or null turns it off'),
});
