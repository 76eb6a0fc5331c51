import { FINISHED_MAIL_RETENTION_SECONDS, type MailOutboxStore, type OutboxMail } from '../ports.js';
import type { SqliteDb } from './database.js';
import { dueLease } from './leases.js';
import { date, fromMs, toMs, type RowCodec } from './rows.js';

interface Row {
  id: string; kind: string; organization_id: string | null; sealed: string; status: string; attempts: number;
  next_attempt_at: number; lease_owner: string | null; lease_expires_at: number | null; last_error: string | null;
  created_at: number; finished_at: number | null; dedupe_key: string | null;
}

const codec: RowCodec<Row, OutboxMail> = {
  fromRow: (r) => ({
    id: r.id, kind: r.kind, organizationId: r.organization_id, sealed: r.sealed, status: r.status as OutboxMail['status'],
    attempts: r.attempts, nextAttemptAt: date(r.next_attempt_at), leaseOwner: r.lease_owner, leaseExpiresAt: fromMs(r.lease_expires_at),
    lastError: r.last_error, createdAt: date(r.created_at), finishedAt: fromMs(r.finished_at), dedupeKey: r.dedupe_key,
  }),
  toRow: (m) => ({
    id: m.id, kind: m.kind, organization_id: m.organizationId, sealed: m.sealed, status: m.status, attempts: m.attempts,
    next_attempt_at: m.nextAttemptAt.getTime(), lease_owner: m.leaseOwner, lease_expires_at: toMs(m.leaseExpiresAt),
    last_error: m.lastError, created_at: m.createdAt.getTime(), finished_at: toMs(m.finishedAt), dedupe_key: m.dedupeKey,
  }),
};

const HELD = "status = 'pending' AND lease_owner = @owner";

/** The mail outbox in SQLite. Leases are `dueLease`'s; sending and failing are compare-and-sets on the lease owner. */
export class SqliteMailOutbox implements MailOutboxStore {
  private readonly insert;
  private readonly byId;
  private readonly take;
  private readonly sent;
  private readonly failed;
  private readonly purge;

  constructor(private readonly db: SqliteDb) {
    this.insert = db.prepare(`INSERT INTO mail_outbox (id, kind, organization_id, sealed, status, attempts, next_attempt_at,
      lease_owner, lease_expires_at, last_error, created_at, finished_at, dedupe_key) VALUES (@id, @kind, @organization_id, @sealed,
      @status, @attempts, @next_attempt_at, @lease_owner, @lease_expires_at, @last_error, @created_at, @finished_at, @dedupe_key)
      ON CONFLICT (dedupe_key) WHERE dedupe_key IS NOT NULL DO NOTHING`);
    this.byId = db.prepare<[string], Row>('SELECT * FROM mail_outbox WHERE id = ?');
    this.take = dueLease<Row>(db, 'mail_outbox');
    this.sent = db.prepare(`UPDATE mail_outbox SET status = 'sent', sealed = '', finished_at = @at, lease_owner = NULL,
      lease_expires_at = NULL WHERE id = @id AND ${HELD}`);
    this.failed = db.prepare(`UPDATE mail_outbox SET attempts = attempts + 1, last_error = @error, lease_owner = NULL,
      lease_expires_at = NULL, next_attempt_at = COALESCE(@next, next_attempt_at),
      status = CASE WHEN @next IS NULL THEN 'failed' ELSE 'pending' END,
      sealed = CASE WHEN @next IS NULL THEN '' ELSE sealed END,
      finished_at = CASE WHEN @next IS NULL THEN @at ELSE NULL END
      WHERE id = @id AND ${HELD}`);
    this.purge = db.prepare('DELETE FROM mail_outbox WHERE finished_at IS NOT NULL AND finished_at <= ?');
  }

  async enqueue(mail: OutboxMail): Promise<boolean> {
    return this.insert.run(codec.toRow(mail)).changes === 1;
  }

  async findById(id: string): Promise<OutboxMail | null> {
    const row = this.byId.get(id);
    return row ? codec.fromRow(row) : null;
  }

  async lease(owner: string, now: Date, until: Date, limit: number): Promise<OutboxMail[]> {
    return this.take(owner, now, until, limit).map(codec.fromRow);
  }

  async markSent(id: string, owner: string, at: Date): Promise<boolean> {
    return this.sent.run({ id, owner, at: at.getTime() }).changes === 1;
  }

  async markFailed(id: string, owner: string, at: Date, error: string, nextAttemptAt: Date | null): Promise<boolean> {
    return this.failed.run({ id, owner, at: at.getTime(), error, next: toMs(nextAttemptAt) }).changes === 1;
  }

  /** Removes messages finished more than the retention period before `now` (the store's sweeper calls it). */
  sweep(now: Date): void {
    this.purge.run(now.getTime() - FINISHED_MAIL_RETENTION_SECONDS * 1000);
  }
}
