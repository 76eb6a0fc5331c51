import { randomBytes } from 'node:crypto';
import type { WebhooksConfig } from '../config/schema.js';
import type { ApiKeyRecord, EventRecord, KeyReminderWindow, Store } from '../store/ports.js';
import type { Events } from './emitter.js';
import { apiKeyData } from './payloads.js';

const DAY_MS = 86_400_000;
const JOB = 'api-key-reminders';
/** How long one sweep may hold the job before another instance may take it over. */
const LEASE_MS = 10 * 60_000;
const PAGE = 200;

/** `api_key.expiring` goes out this many days before a key expires (SPEC §9), once each. */
export const EXPIRY_NOTICE_DAYS = [14, 1] as const;

export interface KeyRemindersDeps {
  store: Pick<Store, 'apiKeys' | 'jobLeases'>;
  events: Events;
  config: WebhooksConfig['reminders'];
  now?: () => Date;
}

/**
 * The reminder sweep: `api_key.expiring` (14 days and 1 day before a key expires) and
 * `api_key.rotation_due` (a key older than the rotation reminder). Each run handles the moments
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
    const reminderDays = this.deps.config.rotationAfterDays;
    stored += await this.remind({ field: 'createdAt', after: previous && plusDays(since, -reminderDays), upTo: plusDays(now, -reminderDays), now }, (key) =>
      this.deps.events.record('api_key.rotation_due', {
        organizationId: key.organizationId, caller: null, target: { type: 'api_key', id: key.id }, at: now,
        onceKey: `api_key.rotation_due:${key.id}`,
        data: { api_key: apiKeyData(key, now), age_days: Math.floor((now.getTime() - key.createdAt.getTime()) / DAY_MS), reminder_days: reminderDays },
        metadata: { reminder_days: reminderDays },
      }));
    await this.deps.store.jobLeases.release(JOB, this.owner, { swept_until: now.toISOString() });
    return stored;
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
