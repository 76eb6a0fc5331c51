import type { EventRecord, Page, PageRequest, WebhookEndpoint, WebhookEndpointPatch, WebhookEndpointStore } from '../ports.js';
import type { SqliteDb } from './database.js';
import type { SqliteEvents } from './events.js';
import { date, fromMs, json, pageLimit, parse, patchRow, rethrowUnique, toMs, toPage, type RowCodec } from './rows.js';

interface Row {
  id: string; organization_id: string; url: string; description: string; events: string; sealed_secret: string;
  previous_sealed_secret: string | null; previous_secret_expires_at: number | null; enabled: number;
  disabled_reason: string | null; failing_since: number | null; created_at: number; updated_at: number;
}

const codec: RowCodec<Row, WebhookEndpoint> = {
  fromRow: (r) => ({
    id: r.id, organizationId: r.organization_id, url: r.url, description: r.description, events: parse<string[]>(r.events),
    sealedSecret: r.sealed_secret, previousSealedSecret: r.previous_sealed_secret,
    previousSecretExpiresAt: fromMs(r.previous_secret_expires_at), enabled: r.enabled === 1, disabledReason: r.disabled_reason,
    failingSince: fromMs(r.failing_since), createdAt: date(r.created_at), updatedAt: date(r.updated_at),
  }),
  toRow: (e) => ({
    id: e.id, organization_id: e.organizationId, url: e.url, description: e.description, events: json(e.events),
    sealed_secret: e.sealedSecret, previous_sealed_secret: e.previousSealedSecret,
    previous_secret_expires_at: toMs(e.previousSecretExpiresAt), enabled: e.enabled ? 1 : 0, disabled_reason: e.disabledReason,
    failing_since: toMs(e.failingSince), created_at: e.createdAt.getTime(), updated_at: e.updatedAt.getTime(),
  }),
};

const COLUMNS = ['id', 'organization_id', 'url', 'description', 'events', 'sealed_secret', 'previous_sealed_secret',
  'previous_secret_expires_at', 'enabled', 'disabled_reason', 'failing_since', 'created_at', 'updated_at'];
const MUTABLE = COLUMNS.filter((c) => !['id', 'organization_id', 'created_at'].includes(c));

/**
 * Webhook endpoints in SQLite. A capped create counts and inserts inside one `BEGIN IMMEDIATE`
 * transaction (concurrent creates serialise on the write lock); health changes are single
 * conditional statements.
 */
export class SqliteWebhookEndpoints implements WebhookEndpointStore {
  private readonly insert;
  private readonly byOrgAndId;
  private readonly page;
  private readonly enabledOf;
  private readonly count;
  private readonly write;
  private readonly remove;
  private readonly failing;
  private readonly healthy;
  private readonly disable;

  constructor(private readonly db: SqliteDb, private readonly events: Pick<SqliteEvents, 'writeNow'>) {
    this.insert = db.prepare(`INSERT INTO webhook_endpoints (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map((c) => `@${c}`).join(', ')})`);
    this.byOrgAndId = db.prepare<[string, string], Row>('SELECT * FROM webhook_endpoints WHERE organization_id = ? AND id = ?');
    this.page = db.prepare<[{ org: string; cursor: string | null; limit: number }], Row>(`SELECT * FROM webhook_endpoints
      WHERE organization_id = @org AND (@cursor IS NULL OR id < @cursor) ORDER BY id DESC LIMIT @limit`);
    this.enabledOf = db.prepare<[string], Row>('SELECT * FROM webhook_endpoints WHERE organization_id = ? AND enabled = 1 ORDER BY id');
    this.count = db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM webhook_endpoints WHERE organization_id = ?');
    this.write = db.prepare(`UPDATE webhook_endpoints SET ${MUTABLE.map((c) => `${c} = @${c}`).join(', ')} WHERE id = @id`);
    this.remove = db.prepare('DELETE FROM webhook_endpoints WHERE organization_id = ? AND id = ?');
    this.failing = db.prepare<[number, string], Row>(
      'UPDATE webhook_endpoints SET failing_since = coalesce(failing_since, ?) WHERE id = ? RETURNING *');
    this.healthy = db.prepare('UPDATE webhook_endpoints SET failing_since = NULL WHERE id = ? AND failing_since IS NOT NULL');
    this.disable = db.prepare(`UPDATE webhook_endpoints SET enabled = 0, disabled_reason = 'failing', updated_at = @at
      WHERE id = @id AND enabled = 1 AND failing_since = @since`);
  }

  async create(endpoint: WebhookEndpoint, maxPerOrganization: number): Promise<'created' | 'cap_reached'> {
    try {
      return this.db.transaction(() => {
        if (this.count.get(endpoint.organizationId)!.n >= maxPerOrganization) return 'cap_reached' as const;
        this.insert.run(codec.toRow(endpoint));
        return 'created' as const;
      }).immediate();
    } catch (err) {
      rethrowUnique(err, { id: 'id' });
    }
  }

  async findById(organizationId: string, id: string): Promise<WebhookEndpoint | null> {
    const row = this.byOrgAndId.get(organizationId, id);
    return row ? codec.fromRow(row) : null;
  }

  async list(organizationId: string, page: PageRequest): Promise<Page<WebhookEndpoint>> {
    const limit = pageLimit(page);
    return toPage(this.page.all({ org: organizationId, cursor: page.cursor ?? null, limit: limit + 1 }), limit, codec.fromRow, (e) => e.id);
  }

  async listEnabled(organizationId: string): Promise<WebhookEndpoint[]> {
    return this.enabledOf.all(organizationId).map(codec.fromRow);
  }

  async update(organizationId: string, id: string, patch: WebhookEndpointPatch): Promise<WebhookEndpoint | null> {
    return patchRow(this.db, codec, () => this.byOrgAndId.get(organizationId, id), (row) => this.write.run(row), patch);
  }

  async delete(organizationId: string, id: string): Promise<boolean> {
    return this.remove.run(organizationId, id).changes === 1;
  }

  async markFailing(id: string, at: Date): Promise<WebhookEndpoint | null> {
    const row = this.failing.get(at.getTime(), id);
    return row ? codec.fromRow(row) : null;
  }

  async markHealthy(id: string): Promise<void> {
    this.healthy.run(id);
  }

  async disableFailing(id: string, failingSince: Date, at: Date, events?: readonly EventRecord[]): Promise<boolean> {
    return this.db.transaction(() => {
      if (this.disable.run({ id, since: failingSince.getTime(), at: at.getTime() }).changes === 0) return false;
      this.events.writeNow(events);
      return true;
    }).immediate();
  }
}
