import { Schema, type ClientSession, type Connection, type Model } from 'mongoose';
import type { AppConnection, AppConnectionStore, EventRecord, Page, PageRequest } from '../ports.js';
import type { MongoEvents } from './events.js';
import { inTransaction } from './transactions.js';
import { pageLimit } from '../paging.js';
import { SCHEMA_OPTIONS, isDuplicate, stringId } from './support.js';

interface Doc {
  _id: string; organizationId: string; clientId: string; userId: string; scopes: string[];
  resources: Array<{ indicator: string; scopes: string[] }>; createdAt: Date; updatedAt: Date;
}

const schema = new Schema<Doc>({
  _id: stringId,
  organizationId: { type: String, required: true },
  clientId: { type: String, required: true },
  userId: { type: String, required: true },
  scopes: { type: [String], default: [] },
  resources: { type: [new Schema({ indicator: String, scopes: [String] }, { _id: false, versionKey: false })], default: [] },
  createdAt: { type: Date, required: true },
  updatedAt: { type: Date, required: true },
}, SCHEMA_OPTIONS);
schema.index({ organizationId: 1, clientId: 1, userId: 1 }, { unique: true });
schema.index({ organizationId: 1, clientId: -1, _id: -1 });

const fromDoc = (d: Doc): AppConnection => ({
  id: d._id, organizationId: d.organizationId, clientId: d.clientId, userId: d.userId, scopes: [...(d.scopes ?? [])],
  resources: (d.resources ?? []).map((r) => ({ indicator: r.indicator, scopes: [...(r.scopes ?? [])] })),
  createdAt: d.createdAt, updatedAt: d.updatedAt,
});

/**
 * Connected apps in MongoDB (`app_connections`; one document per organization, client and user).
 * A save or removal with events is one transaction with them.
 */
export class MongoAppConnections implements AppConnectionStore {
  readonly model: Model<Doc>;

  constructor(private readonly conn: Connection, private readonly events: Pick<MongoEvents, 'writeInSession'>) {
    this.model = conn.model<Doc>('AppConnection', schema, 'app_connections');
  }

  async save(c: AppConnection, events?: readonly EventRecord[]): Promise<AppConnection> {
    const filter = { organizationId: c.organizationId, clientId: c.clientId, userId: c.userId };
    const update = {
      $set: { scopes: c.scopes, resources: c.resources, updatedAt: c.updatedAt },
      $setOnInsert: { _id: c.id, createdAt: c.createdAt },
    };
    const upsert = async (session?: ClientSession) => {
      const doc = await this.model.findOneAndUpdate(filter, update, { upsert: true, returnDocument: 'after', session }).lean<Doc>();
      if (session && doc._id === c.id) await this.events.writeInSession(events, session);
      return doc;
    };
    const attempt = () => (events?.length ? inTransaction(this.conn, (session) => upsert(session)) : upsert());
    try {
      return fromDoc(await attempt());
    } catch (err) {
      // two concurrent upserts of one key: the loser of the unique index now finds the winner's document
      if (!isDuplicate(err)) throw err;
      return fromDoc(await attempt());
    }
  }

  async findById(id: string): Promise<AppConnection | null> {
    const doc = await this.model.findById(id).lean<Doc | null>();
    return doc ? fromDoc(doc) : null;
  }

  async find(organizationId: string, clientId: string, userId: string): Promise<AppConnection | null> {
    const doc = await this.model.findOne({ organizationId, clientId, userId }).lean<Doc | null>();
    return doc ? fromDoc(doc) : null;
  }

  async listClients(organizationId: string, page: PageRequest): Promise<Page<string>> {
    const limit = pageLimit(page);
    const match: Record<string, unknown> = { organizationId };
    if (page.cursor) match.clientId = { $lt: page.cursor };
    const rows = await this.model.aggregate<{ _id: string }>([
      { $match: match }, { $group: { _id: '$clientId' } }, { $sort: { _id: -1 } }, { $limit: limit + 1 },
    ]);
    const items = rows.slice(0, limit).map((r) => r._id);
    return { items, nextCursor: rows.length > limit ? items[items.length - 1] : null };
  }

  async listByClient(organizationId: string, clientId: string, limit: number): Promise<AppConnection[]> {
    const docs = await this.model.find({ organizationId, clientId }).sort({ _id: -1 }).limit(Math.max(1, Math.floor(limit))).lean<Doc[]>();
    return docs.map(fromDoc);
  }

  async deleteByClient(organizationId: string, clientId: string, events?: readonly EventRecord[]): Promise<number> {
    if (!events?.length) return (await this.model.deleteMany({ organizationId, clientId })).deletedCount;
    return inTransaction(this.conn, async (session) => {
      const removed = (await this.model.deleteMany({ organizationId, clientId }, { session })).deletedCount;
      if (removed > 0) await this.events.writeInSession(events, session);
      return removed;
    });
  }

  /** The unique index's organization prefix bounds the scan to the organization's connections. */
  async deleteByUser(organizationId: string, userId: string): Promise<number> {
    return (await this.model.deleteMany({ organizationId, userId })).deletedCount;
  }
}
