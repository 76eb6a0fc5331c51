import { Schema, type ClientSession, type Connection, type Model } from 'mongoose';
import type { AuditEvent, AuditStore, Page, PageRequest } from '../ports.js';
import { SCHEMA_OPTIONS, pageOf, rethrowDuplicate, stringId } from './support.js';

interface Doc {
  _id: string; organizationId: string | null; action: string; actor: AuditEvent['actor']; target: AuditEvent['target'];
  ip: string | null; at: Date; metadata: Record<string, unknown>;
}

const schema = new Schema<Doc>({
  _id: stringId,
  organizationId: { type: String, default: null },
  action: { type: String },
  actor: { type: Schema.Types.Mixed, required: true },
  target: { type: Schema.Types.Mixed, default: null },
  ip: { type: String, default: null },
  at: { type: Date, required: true },
  metadata: { type: Schema.Types.Mixed, default: {} },
}, SCHEMA_OPTIONS);
schema.index({ organizationId: 1, _id: -1 });

const fromDoc = (d: Doc): AuditEvent => ({
  id: d._id, organizationId: d.organizationId ?? null, action: d.action, actor: d.actor, target: d.target ?? null,
  ip: d.ip ?? null, at: d.at, metadata: d.metadata ?? {},
});

// through JSON like the SQLite adapter, so metadata reads back exactly as SQLite's does
function toDoc(e: AuditEvent): Doc {
  const plain = JSON.parse(JSON.stringify({ actor: e.actor, target: e.target, metadata: e.metadata ?? {} })) as
    Pick<Doc, 'actor' | 'target' | 'metadata'>;
  return { _id: e.id, organizationId: e.organizationId, action: e.action, ip: e.ip, at: e.at, ...plain };
}

/** The audit log in MongoDB (`audit_events`), newest first by time-ordered id. */
export class MongoAudit implements AuditStore {
  readonly model: Model<Doc>;

  constructor(conn: Connection) {
    this.model = conn.model<Doc>('AuditEvent', schema, 'audit_events');
  }

  async append(e: AuditEvent): Promise<void> {
    try {
      await this.model.create(toDoc(e));
    } catch (err) {
      rethrowDuplicate(err, { _id: 'id' });
    }
  }

  /** Appends inside a transaction: the events adapter writes an event's entry with its change. */
  async appendInSession(entries: readonly AuditEvent[], session: ClientSession): Promise<void> {
    if (entries.length) await this.model.insertMany(entries.map(toDoc), { session });
  }

  /** `organizationId` null lists the server-level events */
  async list(organizationId: string | null, page: PageRequest): Promise<Page<AuditEvent>> {
    return pageOf(this.model, { organizationId }, page, fromDoc, (e) => e.id);
  }
}
