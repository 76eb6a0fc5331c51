import type { EventRecord, EventStore, StoredEvent, WebhookDelivery } from '../ports.js';
import type { SqliteAudit } from './audit.js';
import type { SqliteDb } from './database.js';
import { date, fromMs, json, parse } from './rows.js';

interface Row {
  id: string; organization_id: string | null; type: string; data: string; occurred_at: number;
  once_key: string | null; dispatched_at: number | null;
}

const fromRow = (r: Row): StoredEvent => ({
  id: r.id, organizationId: r.organization_id, type: r.type, data: parse<Record<string, unknown>>(r.data),
  occurredAt: date(r.occurred_at), onceKey: r.once_key, dispatchedAt: fromMs(r.dispatched_at),
});

/**
 * The events outbox in SQLite. The other adapters write a change's events with `writeNow` inside
 * the change's own `BEGIN IMMEDIATE` transaction (better-sqlite3 runs it synchronously, so no
 * other request's statement can fall between the change and its events).
 */
export class SqliteEvents implements EventStore {
  private readonly insert;
  private readonly byId;
  private readonly pending;
  private readonly markDispatched;
  private readonly appendAll;
  private readonly dispatchTx;

  constructor(db: SqliteDb, private readonly audit: Pick<SqliteAudit, 'appendNow'>, insertDelivery: (d: WebhookDelivery) => void) {
    this.insert = db.prepare(`INSERT INTO events (id, organization_id, type, data, occurred_at, once_key, dispatched_at)
      VALUES (@id, @organization_id, @type, @data, @occurred_at, @once_key, NULL) ON CONFLICT (once_key) DO NOTHING`);
    this.byId = db.prepare<[string], Row>('SELECT * FROM events WHERE id = ?');
    this.pending = db.prepare<[number], Row>('SELECT * FROM events WHERE dispatched_at IS NULL ORDER BY id LIMIT ?');
    this.markDispatched = db.prepare('UPDATE events SET dispatched_at = ? WHERE id = ? AND dispatched_at IS NULL');
    this.appendAll = db.transaction((records: readonly EventRecord[]) => this.writeNow(records));
    this.dispatchTx = db.transaction((eventId: string, deliveries: readonly WebhookDelivery[], at: number) => {
      if (this.markDispatched.run(at, eventId).changes === 0) return false;
      for (const d of deliveries) insertDelivery(d);
      return true;
    });
  }

  /** Writes events and their audit entries now; call it inside the transaction of the change that caused them. */
  writeNow(records: readonly EventRecord[] | undefined): StoredEvent[] {
    const stored: StoredEvent[] = [];
    for (const { event: e, audit } of records ?? []) {
      const inserted = this.insert.run({
        id: e.id, organization_id: e.organizationId, type: e.type, data: json(e.data), occurred_at: e.occurredAt.getTime(), once_key: e.onceKey,
      }).changes === 1;
      if (!inserted) continue; // once-keyed, and stored already
      this.audit.appendNow(audit);
      stored.push({ ...e, dispatchedAt: null });
    }
    return stored;
  }

  async append(records: readonly EventRecord[]): Promise<StoredEvent[]> {
    return records.length ? this.appendAll.immediate(records) : [];
  }

  async findById(id: string): Promise<StoredEvent | null> {
    const row = this.byId.get(id);
    return row ? fromRow(row) : null;
  }

  async undispatched(limit: number): Promise<StoredEvent[]> {
    return this.pending.all(Math.max(1, Math.floor(limit))).map(fromRow);
  }

  async dispatch(eventId: string, deliveries: readonly WebhookDelivery[], at: Date): Promise<boolean> {
    return this.dispatchTx.immediate(eventId, deliveries, at.getTime());
  }
}
