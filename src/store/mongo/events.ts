import { Schema, type ClientSession, type Connection, type Model } from 'mongoose';
import type { EventRecord, EventStore, StoredEvent, WebhookDelivery } from '../ports.js';
import { OUTBOX_RETENTION_MS } from '../outbox-retention.js';
import type { MongoAudit } from './audit.js';
import { SCHEMA_OPTIONS, isDuplicate, stringId } from './support.js';
import { inTransaction } from './transactions.js';

interface Doc {
  _id: string; organizationId: string | null; type: string; data: Record<string, unknown>; occurredAt: Date;
  onceKey: string | null; dispatchedAt: Date | null;
}

const schema = new Schema<Doc>({
  _id: stringId,
  organizationId: { type: String, default: null },
  type: { type: String, required: true },
  data: { type: Schema.Types.Mixed, default: {} },
  occurredAt: { type: Date, required: true },
  onceKey: { type: String, default: null },
  dispatchedAt: { type: Date, default: null },
}, SCHEMA_OPTIONS);
schema.index({ onceKey: 1 }, { unique: true, partialFilterExpression: { onceKey: { $type: 'string' } } });
// the undispatched (null) ones, oldest first
schema.index({ dispatchedAt: 1, _id: 1 });
// a TTL index (single-field, as TTL indexes must be): dispatched events go after the retention
schema.index({ dispatchedAt: 1 }, { expireAfterSeconds: OUTBOX_RETENTION_MS / 1000 });

const fromDoc = (d: Doc): StoredEvent => ({
  id: d._id, organizationId: d.organizationId ?? null, type: d.type, data: d.data ?? {}, occurredAt: d.occurredAt,
  onceKey: d.onceKey ?? null, dispatchedAt: d.dispatchedAt ?? null,
});

// through JSON like the SQLite adapter, so data reads back the same from both
const toDoc = (e: StoredEvent): Doc => ({
  _id: e.id, organizationId: e.organizationId, type: e.type, data: JSON.parse(JSON.stringify(e.data)) as Record<string, unknown>,
  occurredAt: e.occurredAt, onceKey: e.onceKey, dispatchedAt: null,
});

/**
 * The events outbox in MongoDB (`events`). The other adapters write a change's events with
 * `writeInSession` inside the change's transaction. Once keys are a unique (partial) index: a
 * second event with a stored key aborts its own transaction, which `append` reads as "stored
 * already".
 */
export class MongoEvents implements EventStore {
  readonly model: Model<Doc>;

  constructor(private readonly conn: Connection, private readonly audit: Pick<MongoAudit, 'appendInSession'>,
    private readonly deliveries: { insertInSession(d: readonly WebhookDelivery[], session: ClientSession): Promise<void> }) {
    this.model = conn.model<Doc>('Event', schema, 'events');
  }

  /** Writes events and their audit entries in the transaction of the change that caused them. */
  async writeInSession(records: readonly EventRecord[] | undefined, session: ClientSession): Promise<void> {
    if (!records?.length) return;
    await this.model.insertMany(records.map((r) => toDoc(r.event)), { session });
    await this.audit.appendInSession(records.map((r) => r.audit), session);
  }

  async append(records: readonly EventRecord[]): Promise<StoredEvent[]> {
    const stored: StoredEvent[] = [];
    for (const record of records) {
      try {
        await inTransaction(this.conn, (session) => this.writeInSession([record], session));
        stored.push({ ...record.event, dispatchedAt: null });
      } catch (err) {
        if (!isDuplicate(err)) throw err; // once-keyed, and stored already: nothing was written
      }
    }
    return stored;
  }

  async findById(id: string): Promise<StoredEvent | null> {
    const doc = await this.model.findById(id).lean<Doc | null>();
    return doc ? fromDoc(doc) : null;
  }

  async undispatched(limit: number): Promise<StoredEvent[]> {
    const docs = await this.model.find({ dispatchedAt: null }).sort({ _id: 1 }).limit(Math.max(1, Math.floor(limit))).lean<Doc[]>();
    return docs.map(fromDoc);
  }

  /** One transaction: the claim (a conditional update, the compare-and-set) and the deliveries. */
  async dispatch(eventId: string, deliveries: readonly WebhookDelivery[], at: Date): Promise<boolean> {
    return inTransaction(this.conn, async (session) => {
      const claim = await this.model.updateOne({ _id: eventId, dispatchedAt: null }, { $set: { dispatchedAt: at } }, { session });
      if (claim.matchedCount === 0) return false;
      await this.deliveries.insertInSession(deliveries, session);
      return true;
    });
  }
}
