import type { AppConnection, AppConnectionStore, EventRecord, Page, PageRequest } from '../ports.js';
import type { SqliteDb } from './database.js';
import type { SqliteEvents } from './events.js';
import { date, json, pageLimit, parse } from './rows.js';

interface Row {
  id: string; organization_id: string; client_id: string; user_id: string; scopes: string; resources: string;
  created_at: number; updated_at: number;
}

const fromRow = (r: Row): AppConnection => ({
  id: r.id, organizationId: r.organization_id, clientId: r.client_id, userId: r.user_id,
  scopes: parse<string[]>(r.scopes), resources: parse<AppConnection['resources']>(r.resources),
  createdAt: date(r.created_at), updatedAt: date(r.updated_at),
});

/**
 * Connected apps in SQLite: one row per (organization, client, user), upserted on that key. A
 * save or removal with events writes them in its own transaction when it inserted (removed) rows.
 */
export class SqliteAppConnections implements AppConnectionStore {
  private readonly upsert;
  private readonly byId;
  private readonly byKey;
  private readonly clients;
  private readonly byClient;
  private readonly removeClient;
  private readonly removeUser;

  constructor(private readonly db: SqliteDb, private readonly events: Pick<SqliteEvents, 'writeNow'>) {
    // one statement: concurrent saves of the same triple keep one row and its first id
    this.upsert = db.prepare<[Record<string, unknown>], Row>(`INSERT INTO app_connections
      (id, organization_id, client_id, user_id, scopes, resources, created_at, updated_at)
      VALUES (@id, @organization_id, @client_id, @user_id, @scopes, @resources, @created_at, @updated_at)
      ON CONFLICT (organization_id, client_id, user_id) DO UPDATE SET
        scopes = excluded.scopes, resources = excluded.resources, updated_at = excluded.updated_at
      RETURNING *`);
    this.byId = db.prepare<[string], Row>('SELECT * FROM app_connections WHERE id = ?');
    this.byKey = db.prepare<[string, string, string], Row>(
      'SELECT * FROM app_connections WHERE organization_id = ? AND client_id = ? AND user_id = ?');
    this.clients = db.prepare<[{ org: string; cursor: string | null; limit: number }], { client_id: string }>(
      `SELECT DISTINCT client_id FROM app_connections WHERE organization_id = @org AND (@cursor IS NULL OR client_id < @cursor)
       ORDER BY client_id DESC LIMIT @limit`);
    this.byClient = db.prepare<[string, string, number], Row>(
      'SELECT * FROM app_connections WHERE organization_id = ? AND client_id = ? ORDER BY id DESC LIMIT ?');
    this.removeClient = db.prepare('DELETE FROM app_connections WHERE organization_id = ? AND client_id = ?');
    // the unique index's organization prefix bounds the scan to the organization's connections
    this.removeUser = db.prepare('DELETE FROM app_connections WHERE organization_id = ? AND user_id = ?');
  }

  async save(c: AppConnection, events?: readonly EventRecord[]): Promise<AppConnection> {
    return this.db.transaction(() => {
      const saved = fromRow(this.upsert.get({
        id: c.id, organization_id: c.organizationId, client_id: c.clientId, user_id: c.userId,
        scopes: json(c.scopes), resources: json(c.resources), created_at: c.createdAt.getTime(), updated_at: c.updatedAt.getTime(),
      })!);
      if (saved.id === c.id) this.events.writeNow(events);
      return saved;
    }).immediate();
  }

  async findById(id: string): Promise<AppConnection | null> {
    const row = this.byId.get(id);
    return row ? fromRow(row) : null;
  }

  async find(organizationId: string, clientId: string, userId: string): Promise<AppConnection | null> {
    const row = this.byKey.get(organizationId, clientId, userId);
    return row ? fromRow(row) : null;
  }

  async listClients(organizationId: string, page: PageRequest): Promise<Page<string>> {
    const limit = pageLimit(page);
    const rows = this.clients.all({ org: organizationId, cursor: page.cursor ?? null, limit: limit + 1 }).map((r) => r.client_id);
    const items = rows.slice(0, limit);
    return { items, nextCursor: rows.length > limit ? items[items.length - 1] : null };
  }

  async listByClient(organizationId: string, clientId: string, limit: number): Promise<AppConnection[]> {
    return this.byClient.all(organizationId, clientId, Math.max(1, Math.floor(limit))).map(fromRow);
  }

  async deleteByClient(organizationId: string, clientId: string, events?: readonly EventRecord[]): Promise<number> {
    return this.db.transaction(() => {
      const removed = this.removeClient.run(organizationId, clientId).changes;
      if (removed > 0) this.events.writeNow(events);
      return removed;
    }).immediate();
  }

  async deleteByUser(organizationId: string, userId: string): Promise<number> {
    return this.removeUser.run(organizationId, userId).changes;
  }
}
