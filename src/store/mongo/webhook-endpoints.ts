import { Schema, type Connection, type Model } from 'mongoose';
import type { EventRecord, Page, PageRequest, WebhookEndpoint, WebhookEndpointPatch, WebhookEndpointStore } from '../ports.js';
import type { MongoEvents } from './events.js';
import { SerialLocks } from './serial-locks.js';
import { SCHEMA_OPTIONS, pageOf, rethrowDuplicate, setOf, stringId } from './support.js';
import { inTransaction } from './transactions.js';

interface Doc {
  _id: string; organizationId: string; url: string; description: string; events: string[]; sealedSecret: string;
  previousSealedSecret: string | null; previousSecretExpiresAt: Date | null; enabled: boolean; disabledReason: string | null;
  failingSince: Date | null; createdAt: Date; updatedAt: Date;
}

const schema = new Schema<Doc>({
  _id: stringId,
  organizationId: { type: String, required: true },
  url: { type: String, required: true },
  description: { type: String, default: '' },
  events: { type: [String], default: [] },
  sealedSecret: { type: String, required: true },
  previousSealedSecret: { type: String, default: null },
  previousSecretExpiresAt: { type: Date, default: null },
  enabled: { type: Boolean, required: true },
  disabledReason: { type: String, default: null },
  failingSince: { type: Date, default: null },
  createdAt: { type: Date, required: true },
  updatedAt: { type: Date, required: true },
}, SCHEMA_OPTIONS);
schema.index({ organizationId: 1, _id: -1 });

const fromDoc = (d: Doc): WebhookEndpoint => ({
  id: d._id, organizationId: d.organizationId, url: d.url, description: d.description ?? '', events: [...(d.events ?? [])],
  sealedSecret: d.sealedSecret, previousSealedSecret: d.previousSealedSecret ?? null,
  previousSecretExpiresAt: d.previousSecretExpiresAt ?? null, enabled: d.enabled, disabledReason: d.disabledReason ?? null,
  failingSince: d.failingSince ?? null, createdAt: d.createdAt, updatedAt: d.updatedAt,
});

const toDoc = ({ id, ...rest }: WebhookEndpoint): Doc => ({ _id: id, ...rest });

/** Webhook endpoints in MongoDB (`webhook_endpoints`); a capped create serialises per organization. */
export class MongoWebhookEndpoints implements WebhookEndpointStore {
  readonly model: Model<Doc>;
  readonly locks: SerialLocks;

  constructor(private readonly conn: Connection, private readonly events: Pick<MongoEvents, 'writeInSession'>) {
    this.model = conn.model<Doc>('WebhookEndpoint', schema, 'webhook_endpoints');
    this.locks = new SerialLocks(conn, 'WebhookEndpointLock', 'webhook_endpoint_locks');
  }

  async create(endpoint: WebhookEndpoint, maxPerOrganization: number): Promise<'created' | 'cap_reached'> {
    try {
      await this.locks.ensure(endpoint.organizationId);
      return await inTransaction(this.conn, async (session) => {
        await this.locks.hold(endpoint.organizationId, session);
        const count = await this.model.countDocuments({ organizationId: endpoint.organizationId }).session(session);
        if (count >= maxPerOrganization) return 'cap_reached' as const;
        await this.model.create([toDoc(endpoint)], { session });
        return 'created' as const;
      });
    } catch (err) {
      rethrowDuplicate(err, { _id: 'id' });
    }
  }

  async findById(organizationId: string, id: string): Promise<WebhookEndpoint | null> {
    const doc = await this.model.findOne({ _id: id, organizationId }).lean<Doc | null>();
    return doc ? fromDoc(doc) : null;
  }

  async list(organizationId: string, page: PageRequest): Promise<Page<WebhookEndpoint>> {
    return pageOf(this.model, { organizationId }, page, fromDoc, (e) => e.id);
  }

  async listEnabled(organizationId: string): Promise<WebhookEndpoint[]> {
    return (await this.model.find({ organizationId, enabled: true }).sort({ _id: 1 }).lean<Doc[]>()).map(fromDoc);
  }

  async update(organizationId: string, id: string, patch: WebhookEndpointPatch): Promise<WebhookEndpoint | null> {
    const doc = await this.model.findOneAndUpdate({ _id: id, organizationId }, { $set: setOf(patch) }, { returnDocument: 'after' }).lean<Doc | null>();
    return doc ? fromDoc(doc) : null;
  }

  async delete(organizationId: string, id: string): Promise<boolean> {
    return (await this.model.deleteOne({ _id: id, organizationId })).deletedCount === 1;
  }

  async markFailing(id: string, at: Date): Promise<WebhookEndpoint | null> {
    // an update pipeline: `failingSince` keeps its value when it has one (the first failure wins)
    const doc = await this.model.findOneAndUpdate({ _id: id }, [{ $set: { failingSince: { $ifNull: ['$failingSince', at] } } }],
      { returnDocument: 'after', updatePipeline: true }).lean<Doc | null>();
    return doc ? fromDoc(doc) : null;
  }

  async markHealthy(id: string): Promise<void> {
    await this.model.updateOne({ _id: id, failingSince: { $ne: null } }, { $set: { failingSince: null } });
  }

  async disableFailing(id: string, failingSince: Date, at: Date, events?: readonly EventRecord[]): Promise<boolean> {
    return inTransaction(this.conn, async (session) => {
      const claim = await this.model.updateOne({ _id: id, enabled: true, failingSince },
        { $set: { enabled: false, disabledReason: 'failing', updatedAt: at } }, { session });
      if (claim.matchedCount === 0) return false;
      await this.events.writeInSession(events, session);
      return true;
    });
  }
}
