import { randomBytes } from 'node:crypto';
import type { WebhooksConfig } from '../config/schema.js';
import type { ApiKeyRecord, EventRecord, KeyReminderWindow, Store } from '../store/ports.js';
import type { Events } from './emitter.js';
import { apiKeyData } from './payloads.js';
import { reminderDaysOf } from '../api-keys/organization-settings.js';
import { collectAll } from '../identity/paging.js';

const DAY_MS = 86_400_000;
const JOB = 'api-key-reminders';
/** How long one sweep may hold the job before another instance may take it over. */
const LEASE_MS = 10 * 60_000;
const PAGE = 200;

/** `api_key.expiring` goes out this many days before a key expires (SPEC §9), once each. */
export const EXPIRY_NOTICE_DAYS = [14, 1] as const;

export interface KeyRemindersDeps {
  store: Pick<Store, 'apiKeys' | 'jobLeases' | 'organizations'>;
  events: Events;
  config: WebhooksConfig['reminders'];
  now?: () => Date;
}

/**
 * The reminder sweep: `api_key.expiring` (14 days and 1 day before a key expires) and
 * `api_key.rotation_due` (a key older than its organization's rotation reminder,
 * `key_rotation_reminder_days`, default `rotationAfterDays`; none where it is off). An
 * organization that changes its reminder gets, at the next run, a reminder for every key already
 * past the new one (once per key, whatever the setting was). Each run handles the moments
 * that fell since the previous run (kept in the job's lease state), so a missed hour is caught up
 * and nothing is looked at twice; one instance sweeps at a time (a job lease), and every reminder
 * is once-keyed in the outbox, so neither two instances nor a crash mid-run send one twice. A key
 * made after its notice's moment (e.g. one that lives 7 days gets no 14-day notice) is skipped.
 * The first run ever reminds about every key already past its rotation reminder, and sends the
 * expiry notices whose moment fell in the last sweep interval.
 */
export class KeyReminders {
  private readonly owner = `sweep-${randomBytes(6).toString('hex')}`;
  private readonly now: () => Date;

  constructor(private readonly deps: KeyRemindersDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  /** One sweep. @returns how many reminders it stored, or null when another instance holds the job */
  async sweep(): Promise<number | null> {
    const now = this.now();
    const state = await this.deps.store.jobLeases.acquire(JOB, this.owner, now, new Date(now.getTime() + LEASE_MS));
    if (!state) return null;
    const previous = typeof state.swept_until === 'string' ? new Date(state.swept_until) : null;
    const since = previous ?? new Date(now.getTime() - this.deps.config.sweepIntervalMinutes * 60_000);
    let stored = 0;
    for (const days of EXPIRY_NOTICE_DAYS) {
      // the notice's moment (expiry − days) in (since, now] ⇔ the expiry in (since + days, now + days]
      stored += await this.remind({ field: 'expiresAt', after: plusDays(since, days), upTo: plusDays(now, days), now }, (key) => {
        const moment = plusDays(key.expiresAt!, -days);
        if (key.createdAt > moment) return null;
        return this.deps.events.record('api_key.expiring', {
          organizationId: key.organizationId, caller: null, target: { type: 'api_key', id: key.id }, at: now,
          onceKey: `api_key.expiring:${key.id}:${days}d`, data: { api_key: apiKeyData(key, now), days_before: days },
          metadata: { days_before: days, expires_at: key.expiresAt!.toISOString() },
        });
      });
    }
    const { groups, custom } = await this.rotationGroups(state.rotation_days, previous === null);
    for (const [days, { organizations, changed }] of groups) {
      const due = (only: ReadonlySet<string>) => (key: ApiKeyRecord) =>
        only.has(key.organizationId!) ? this.rotationDue(key, days, now) : null;
      stored += await this.remind({ field: 'createdAt', after: previous && plusDays(since, -days), upTo: plusDays(now, -days), now }, due(organizations));
      // an organization whose reminder changed since the last run: every key already past it (the once-key skips those reminded before)
      if (previous && changed.size) stored += await this.remind({ field: 'createdAt', after: null, upTo: plusDays(now, -days), now }, due(changed));
    }
    await this.deps.store.jobLeases.release(JOB, this.owner, { swept_until: now.toISOString(), rotation_days: custom });
    return stored;
  }

  private rotationDue(key: ApiKeyRecord, reminderDays: number, now: Date): EventRecord {
    return this.deps.events.record('api_key.rotation_due', {
      organizationId: key.organizationId, caller: null, target: { type: 'api_key', id: key.id }, at: now,
      onceKey: `api_key.rotation_due:${key.id}`,
      data: { api_key: apiKeyData(key, now), age_days: Math.floor((now.getTime() - key.createdAt.getTime()) / DAY_MS), reminder_days: reminderDays },
      metadata: { reminder_days: reminderDays },
    });
  }

  /**
   * The organizations by their rotation reminder in days (those that turned it off left out), and
   * which of them changed it since the last sweep (`swept`: the non-default settings that sweep
   * saw; absent ones were the default). @returns the groups, and the non-default settings to save
   */
  private async rotationGroups(swept: unknown, firstRun: boolean) {
    const defaultDays = this.deps.config.rotationAfterDays;
    const before = (typeof swept === 'object' && swept !== null ? swept : {}) as Record<string, number | null>;
    const custom: Record<string, number | null> = {};
    const groups = new Map<number, { organizations: Set<string>; changed: Set<string> }>();
    for (const org of await collectAll((page) => this.deps.store.organizations.list(page))) {
      const days = reminderDaysOf(org, defaultDays);
      if (days !== defaultDays) custom[org.id] = days;
      if (days === null) continue;
      const group = groups.get(days) ?? { organizations: new Set<string>(), changed: new Set<string>() };
      groups.set(days, group);
      group.organizations.add(org.id);
      if (!firstRun && (Object.hasOwn(before, org.id) ? before[org.id] : defaultDays) !== days) group.changed.add(org.id);
    }
    return { groups, custom };
  }

  /** Emits a reminder for every key in the window that `reminder` makes one for. */
  private async remind(window: KeyReminderWindow, reminder: (key: ApiKeyRecord) => EventRecord | null): Promise<number> {
    let stored = 0;
    let cursor: string | null = null;
    do {
      const page = await this.deps.store.apiKeys.listForReminder(window, { limit: PAGE, cursor });
      const records = page.items.map(reminder).filter((r): r is EventRecord => r !== null);
      if (records.length) stored += (await this.deps.events.emit(records)).length;
      cursor = page.nextCursor;
    } while (cursor);
    return stored;
  }
}

const plusDays = (d: Date, days: number) => new Date(d.getTime() + days * DAY_MS);
