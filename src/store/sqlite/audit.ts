import type { AuditEvent, AuditStore, Page, PageRequest } from '../ports.js';
import type { SqliteDb } from './database.js';
import { date, json, pageLimit, parse, rethrowUnique, toPage } from './rows.js';

interface Row {
  id: string; organization_id: string | null; action: string; actor: string; target: string | null;
  ip: string | null; at: number; metadata: string;
}

const fromRow = (r: Row): AuditEvent => ({
  id: r.id, organizationId: r.organization_id, action: r.action, actor: parse<AuditEvent['actor']>(r.actor),
  target: parse<AuditEvent['target']>(r.target), ip: r.ip, at: date(r.at), metadata: parse<Record<string, unknown>>(r.metadata),
});

/** The audit log in SQLite: append-only, newest first by (time-ordered) id. */
export class SqliteAudit implements AuditStore {
  private readonly insert;
  private readonly page;

  constructor(db: SqliteDb) {
    this.insert = db.prepare(`INSERT INTO audit_events (id, organization_id, action, actor, target, ip, at, metadata)
      VALUES (@id, @organization_id, @action, @actor, @target, @ip, @at, @metadata)`);
    this.page = db.prepare<[{ org: string | null; cursor: string | null; limit: number }], Row>(`SELECT * FROM audit_events
      WHERE organization_id IS @org AND (@cursor IS NULL OR id < @cursor) ORDER BY id DESC LIMIT @limit`);
  }

  async append(e: AuditEvent): Promise<void> {
    this.appendNow(e);
  }

  /** `append`, synchronously: for a transaction that writes an audit entry with its change. */
  appendNow(e: AuditEvent): void {
    try {
      this.insert.run({
        id: e.id, organization_id: e.organizationId, action: e.action, actor: json(e.actor),
        target: e.target ? json(e.target) : null, ip: e.ip, at: e.at.getTime(), metadata: json(e.metadata ?? {}),
      });
    } catch (err) {
      rethrowUnique(err, { id: 'id' });
    }
  }

  /** `organizationId` null lists the server-level events */
  async list(organizationId: string | null, page: PageRequest): Promise<Page<AuditEvent>> {
    const limit = pageLimit(page);
    const rows = this.page.all({ org: organizationId, cursor: page.cursor ?? null, limit: limit + 1 });
    return toPage(rows, limit, fromRow, (e) => e.id);
  }
}
