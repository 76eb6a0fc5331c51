import { Schema, type ClientSession, type Connection, type Model } from 'mongoose';
import type { DeliverySettlement, DeliveryStatus, Page, PageRequest, WebhookDelivery, WebhookDeliveryStore } from '../ports.js';
import { OUTBOX_RETENTION_MS } from '../outbox-retention.js';
import { leaseDue } from './leases.js';
import { SCHEMA_OPTIONS, pageOf, rethrowDuplicate, stringId } from './support.js';

interface Doc {
  _id: string; organizationId: string; endpointId: string; eventId: string; eventType: string; payload: string;
  status: DeliveryStatus; attempts: number; nextAttemptAt: Date | null; lastAttemptAt: Date | null;
  lastStatusCode: number | null; lastError: string | null; leaseOwner: string | null; leaseExpiresAt: Date | null;
  redeliveryOf: string | null; createdAt: Date; completedAt: Date | null;
}

const schema = new Schema<Doc>({
  _id: stringId,
  organizationId: { type: String, required: true },
  endpointId: { type: String, required: true },
  eventId: { type: String, required: true },
  eventType: { type: String, required: true },
  payload: { type: String, required: true },
  status: { type: String, required: true },
  attempts: { type: Number, default: 0 },
  nextAttemptAt: { type: Date, default: null },
  lastAttemptAt: { type: Date, default: null },
  lastStatusCode: { type: Number, default: null },
  lastError: { type: String, default: null },
  leaseOwner: { type: String, default: null },
  leaseExpiresAt: { type: Date, default: null },
  redeliveryOf: { type: String, default: null },
  createdAt: { type: Date, required: true },
  completedAt: { type: Date, default: null },
}, SCHEMA_OPTIONS);
schema.index({ organizationId: 1, endpointId: 1, _id: -1 });
schema.index({ nextAttemptAt: 1 }, { partialFilterExpression: { status: 'pending' } });
schema.index({ completedAt: 1 }, { expireAfterSeconds: OUTBOX_RETENTION_MS / 1000 });

const fromDoc = (d: Doc): WebhookDelivery => ({
  id: d._id, organizationId: d.organizationId, endpointId: d.endpointId, eventId: d.eventId, eventType: d.eventType,
  payload: d.payload, status: d.status, attempts: d.attempts ?? 0, nextAttemptAt: d.nextAttemptAt ?? null,
  lastAttemptAt: d.lastAttemptAt ?? null, lastStatusCode: d.lastStatusCode ?? null, lastError: d.lastError ?? null,
  leaseOwner: d.leaseOwner ?? null, leaseExpiresAt: d.leaseExpiresAt ?? null, redeliveryOf: d.redeliveryOf ?? null,
  createdAt: d.createdAt, completedAt: d.completedAt ?? null,
});

const toDoc = ({ id, ...rest }: WebhookDelivery): Doc => ({ _id: id, ...rest });

/** Webhook deliveries in MongoDB (`webhook_deliveries`). Leases are `leaseDue`'s; settling matches the lease owner (the compare-and-set). */
export class MongoWebhookDeliveries implements WebhookDeliveryStore {
  readonly model: Model<Doc>;

  constructor(conn: Connection) {
    this.model = conn.model<Doc>('WebhookDelivery', schema, 'webhook_deliveries');
  }

  /** Inserts inside a transaction: the events adapter's dispatch. */
  async insertInSession(deliveries: readonly WebhookDelivery[], session: ClientSession): Promise<void> {
    if (deliveries.length) await this.model.insertMany(deliveries.map(toDoc), { session });
  }

  async create(delivery: WebhookDelivery): Promise<void> {
    try {
      await this.model.create(toDoc(delivery));
    } catch (err) {
      rethrowDuplicate(err, { _id: 'id' });
    }
  }

  async findById(organizationId: string, id: string): Promise<WebhookDelivery | null> {
    const doc = await this.model.findOne({ _id: id, organizationId }).lean<Doc | null>();
    return doc ? fromDoc(doc) : null;
  }

  async listByEndpoint(organizationId: string, endpointId: string, page: PageRequest): Promise<Page<WebhookDelivery>> {
    return pageOf(this.model, { organizationId, endpointId }, page, fromDoc, (d) => d.id);
  }

  async lease(now: Date, owner: string, until: Date, limit: number): Promise<WebhookDelivery[]> {
    return (await leaseDue(this.model, owner, now, until, limit)).map(fromDoc);
  }

  async settle(id: string, owner: string, s: DeliverySettlement): Promise<boolean> {
    const result = await this.model.updateOne({ _id: id, leaseOwner: owner }, {
      $set: {
        status: s.status, nextAttemptAt: s.nextAttemptAt, lastAttemptAt: s.at, lastStatusCode: s.statusCode, lastError: s.error,
        leaseOwner: null, leaseExpiresAt: null, completedAt: s.status === 'pending' ? null : s.at,
      },
      $inc: { attempts: s.attempted ? 1 : 0 },
    });
    return result.matchedCount === 1;
  }
}
