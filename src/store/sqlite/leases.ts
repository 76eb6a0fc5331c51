import type { SqliteDb } from './database.js';

/** The columns a leased work item (an outbox mail, a webhook delivery) has in SQLite. */
export interface LeasedRow {
  id: string;
  next_attempt_at: number | null;
}

/**
 * The lease of a work table (`mail_outbox`, `webhook_deliveries`): one `UPDATE … RETURNING` over
 * the pending items due at `now` whose lease is free or expired, a single statement under the
 * write lock, so two workers (in this process or others sharing the file) never lease the same
 * item. @returns the leased rows, soonest due first
 */
export function dueLease<R extends LeasedRow>(db: SqliteDb, table: 'mail_outbox' | 'webhook_deliveries') {
  const take = db.prepare<[{ now: number; owner: string; until: number; limit: number }], R>(`UPDATE ${table}
    SET lease_owner = @owner, lease_expires_at = @until
    WHERE id IN (SELECT id FROM ${table} WHERE status = 'pending' AND next_attempt_at <= @now
      AND (lease_expires_at IS NULL OR lease_expires_at <= @now) ORDER BY next_attempt_at, id LIMIT @limit)
    RETURNING *`);
  return (owner: string, now: Date, until: Date, limit: number): R[] =>
    take.all({ now: now.getTime(), owner, until: until.getTime(), limit: Math.max(1, Math.floor(limit)) })
      .sort((a, b) => (a.next_attempt_at! - b.next_attempt_at!) || (a.id < b.id ? -1 : 1));
}
