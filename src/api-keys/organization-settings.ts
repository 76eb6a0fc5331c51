import { DURATION_FORM, formatDuration, isBoundedSeconds } from '../domain/durations.js';
import { problems } from '../http/problem.js';
import type { Caller } from '../audit/actor.js';
import { assertInScope, assertReachesEnvironment } from '../identity/authority.js';
import type { KeySettingField, Organization, OrganizationStore } from '../store/ports.js';

/** The longest rotation reminder an organization may set (the global 10-year bound, in days). */
export const MAX_REMINDER_DAYS = 3650;

/** A checked change, in the store's terms. */
export type KeySettingsPatch = Partial<Pick<Organization, KeySettingField>>;

/** What an organization decides about its API keys (SPEC §4, §9). */
export interface KeySettingsInput {
  /** seconds; null lifts the limit */
  maxKeyLifetimeSeconds?: number | null;
  /** days; 0 or null turns `api_key.rotation_due` off */
  keyRotationReminderDays?: number | null;
}

/**
 * The days after which a key of `org` is due for rotation: its own setting, else the
 * deployment's default (`webhooks.reminders.rotationAfterDays`); null when it turned reminders off.
 */
export function reminderDaysOf(org: Pick<Organization, 'keyRotationReminderDays'>, defaultDays: number): number | null {
  const days = org.keyRotationReminderDays;
  if (days === undefined || days === null) return defaultDays;
  return days === 0 ? null : days;
}


/**
 * Changes an organization's key settings. Allowed to whoever may change the organization's
 * settings (the route's `organizations:write`) in its scope, but never to a test credential:
 * these settings govern live keys. Neither setting weakens an existing key: a lower
 * `max_key_lifetime` applies to keys created or rotated from then on (existing keys keep their
 * expiry), so no holder check is needed.
 */
export class OrganizationKeySettings {
  constructor(private readonly deps: { store: { organizations: Pick<OrganizationStore, 'update'> }; defaultReminderDays: number }) {}

  /** The organization object's key settings, as the API shows them (the effective reminder, null when off). */
  toJson(org: Organization) {
    return {
      max_key_lifetime: org.maxKeyLifetimeSeconds ? formatDuration(org.maxKeyLifetimeSeconds) : null,
      key_rotation_reminder_days: reminderDaysOf(org, this.deps.defaultReminderDays),
    };
  }

  /**
   * Checks a change (nothing written), so a request changing other settings too can check every
   * part before writing any. @returns the store patch
   * @throws HttpProblem 400 naming a bad value, 403 `environment_escalation`, 404
   */
  check(caller: Caller, organizationId: string, input: KeySettingsInput): KeySettingsPatch {
    assertInScope(caller, organizationId);
    assertReachesEnvironment(caller, 'live');
    const lifetime = input.maxKeyLifetimeSeconds;
    if (lifetime !== undefined && lifetime !== null && !isBoundedSeconds(lifetime))
      throw problems.validation([{ field: 'max_key_lifetime', message: `must be ${DURATION_FORM}, or null to lift the limit` }]);
    const days = input.keyRotationReminderDays;
    if (days !== undefined && days !== null && !(Number.isSafeInteger(days) && days >= 0 && days <= MAX_REMINDER_DAYS))
      throw problems.validation([{ field: 'key_rotation_reminder_days', message: `must be a whole number of days from 1 to ${MAX_REMINDER_DAYS}, or 0 or null to turn reminders off` }]);
    const patch: KeySettingsPatch = {};
    if (lifetime !== undefined) patch.maxKeyLifetimeSeconds = lifetime;
    // stored 0 (off) rather than null, which means "the deployment's default"
    if (days !== undefined) patch.keyRotationReminderDays = days ?? 0;
    return patch;
  }

  /** Writes a patch from {@link check}. @throws HttpProblem 404 */
  async save(organizationId: string, patch: KeySettingsPatch): Promise<Organization> {
    const org = await this.deps.store.organizations.update(organizationId, patch);
    if (!org) throw problems.notFound('organization');
    return org;
  }

  /** {@link check}, then {@link save}. */
  async update(caller: Caller, organizationId: string, input: KeySettingsInput): Promise<Organization> {
    return this.save(organizationId, this.check(caller, organizationId, input));
  }
}
