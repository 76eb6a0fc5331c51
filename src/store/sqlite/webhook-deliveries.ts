import type { DeliverySettlement, DeliveryStatus, Page, PageRequest, WebhookDelivery, WebhookDeliveryStore } from '../ports.js';
import type { SqliteDb } from './database.js';
import { dueLease } from './leases.js';
import { date, fromMs, pageLimit, rethrowUnique, toMs, toPage } from './rows.js';

interface Row {
  id: string; organization_id: string; endpoint_id: string; event_id: string; event_type: string; payload: string;
  status: string; attempts: number; next_attempt_at: number | null; last_attempt_at: number | null;
  last_status_code: number | null; last_error: string | null; lease_owner: string | null; lease_expires_at: number | null;
  redelivery_of: string | null; created_at: number; completed_at: number | null;
}

const fromRow = (r: Row): WebhookDelivery => ({
  id: r.id, organizationId: r.organization_id, endpointId: r.endpoint_id, eventId: r.event_id, eventType: r.event_type,
  payload: r.payload, status: r.status as DeliveryStatus, attempts: r.attempts, nextAttemptAt: fromMs(r.next_attempt_at),
  lastAttemptAt: fromMs(r.last_attempt_at), lastStatusCode: r.last_status_code, lastError: r.last_error,
  leaseOwner: r.lease_owner, leaseExpiresAt: fromMs(r.lease_expires_at), redeliveryOf: r.redelivery_of,
  createdAt: date(r.created_at), completedAt: fromMs(r.completed_at),
});

const toRow = (d: WebhookDelivery): Row => ({
  id: d.id, organization_id: d.organizationId, endpoint_id: d.endpointId, event_id: d.eventId, event_type: d.eventType,
  payload: d.payload, status: d.status, attempts: d.attempts, next_attempt_at: toMs(d.nextAttemptAt),
  last_attempt_at: toMs(d.lastAttemptAt), last_status_code: d.lastStatusCode, last_error: d.lastError,
  lease_owner: d.leaseOwner, lease_expires_at: toMs(d.leaseExpiresAt), redelivery_of: d.redeliveryOf,
  created_at: d.createdAt.getTime(), completed_at: toMs(d.completedAt),
});

const COLUMNS = ['id', 'organization_id', 'endpoint_id', 'event_id', 'event_type', 'payload', 'status', 'attempts',
  'next_attempt_at', 'last_attempt_at', 'last_status_code', 'last_error', 'lease_owner', 'lease_expires_at', 'redelivery_of',
  'created_at', 'completed_at'] as const satisfies ReadonlyArray<keyof Row>;

/** Webhook deliveries in SQLite. Leases are `dueLease`'s; settling is a compare-and-set on the lease owner. */
export class SqliteWebhookDeliveries implements WebhookDeliveryStore {
  private readonly insert;
  private readonly byId;
  private readonly page;
  private readonly take;
  private readonly settleRow;

  constructor(db: SqliteDb) {
    this.insert = db.prepare(`INSERT INTO webhook_deliveries (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map((c) => `@${c}`).join(', ')})`);
    this.byId = db.prepare<[string, string], Row>('SELECT * FROM webhook_deliveries WHERE organization_id = ? AND id = ?');
    this.page = db.prepare<[{ org: string; endpoint: string; cursor: string | null; limit: number }], Row>(`SELECT * FROM webhook_deliveries
      WHERE organization_id = @org AND endpoint_id = @endpoint AND (@cursor IS NULL OR id < @cursor) ORDER BY id DESC LIMIT @limit`);
    this.take = dueLease<Row>(db, 'webhook_deliveries');
    this.settleRow = db.prepare(`UPDATE webhook_deliveries SET status = @status, attempts = attempts + @attempted,
      next_attempt_at = @next, last_attempt_at = @at, last_status_code = @code, last_error = @error,
      lease_owner = NULL, lease_expires_at = NULL, completed_at = CASE WHEN @status = 'pending' THEN NULL ELSE @at END
      WHERE id = @id AND lease_owner = @owner`);
  }

  /** Inserts now: the events adapter calls it inside a dispatch's transaction. */
  insertNow(delivery: WebhookDelivery): void {
    try {
      this.insert.run(toRow(delivery));
    } catch (err) {
      rethrowUnique(err, { id: 'id' });
    }
  }

  async create(delivery: WebhookDelivery): Promise<void> {
    this.insertNow(delivery);
  }

  async findById(organizationId: string, id: string): Promise<WebhookDelivery | null> {
    const row = this.byId.get(organizationId, id);
    return row ? fromRow(row) : null;
  }

  async listByEndpoint(organizationId: string, endpointId: string, page: PageRequest): Promise<Page<WebhookDelivery>> {
    const limit = pageLimit(page);
    const rows = this.page.all({ org: organizationId, endpoint: endpointId, cursor: page.cursor ?? null, limit: limit + 1 });
    return toPage(rows, limit, fromRow, (d) => d.id);
  }

  async lease(now: Date, owner: string, until: Date, limit: number): Promise<WebhookDelivery[]> {
    return this.take(owner, now, until, limit).map(fromRow);
  }

  async settle(id: string, owner: string, s: DeliverySettlement): Promise<boolean> {
    return this.settleRow.run({
      id, owner, status: s.status, attempted: s.attempted ? 1 : 0, next: toMs(s.nextAttemptAt), at: s.at.getTime(),
      code: s.statusCode, error: s.error,
    }).changes === 1;
  }
}
