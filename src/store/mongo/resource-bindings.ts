import { Schema, type Connection, type Model } from 'mongoose';
import type { Resource, ResourceBinding, ResourceBindingStore } from '../ports.js';
import type { MongoResources, ResourceDoc } from './resources.js';
import { resourceFromDoc } from './resources.js';
import { SCHEMA_OPTIONS, isDuplicate } from './support.js';

interface Doc { resourceId: string; clientId: string; createdAt: Date }

const schema = new Schema<Doc>({
  resourceId: { type: String, required: true },
  clientId: { type: String, required: true },
  createdAt: { type: Date, required: true },
}, SCHEMA_OPTIONS);
schema.index({ resourceId: 1, clientId: 1 }, { unique: true });
schema.index({ clientId: 1 });

/**
 * Resource-server bindings in MongoDB (`resource_bindings`, unique per resource and client).
 * `resourcesOf` is two queries (bindings, then the resources still there): binding lookups are
 * cached by their reader, so this is off every hot path.
 */
export class MongoResourceBindings implements ResourceBindingStore {
  readonly model: Model<Doc>;

  constructor(conn: Connection, private readonly resources: Pick<MongoResources, 'model'>) {
    this.model = conn.model<Doc>('ResourceBinding', schema, 'resource_bindings');
  }

  async bind(b: ResourceBinding): Promise<boolean> {
    try {
      const result = await this.model.updateOne(
        { resourceId: b.resourceId, clientId: b.clientId },
        // the filter's equalities become the new document's fields
        { $setOnInsert: { createdAt: b.createdAt } },
        { upsert: true },
      );
      return result.upsertedCount === 1;
    } catch (err) {
      // two concurrent upserts of one pair: the loser hits the unique index; the pair is bound either way
      if (isDuplicate(err)) return false;
      throw err;
    }
  }

  async unbind(resourceId: string, clientId: string): Promise<boolean> {
    return (await this.model.deleteOne({ resourceId, clientId })).deletedCount === 1;
  }

  async clientsOf(resourceId: string): Promise<ResourceBinding[]> {
    const docs = await this.model.find({ resourceId }).sort({ createdAt: 1, clientId: 1 }).lean<Doc[]>();
    return docs.map((d) => ({ resourceId: d.resourceId, clientId: d.clientId, createdAt: d.createdAt }));
  }

  async resourcesOf(clientId: string): Promise<Resource[]> {
    const bound = await this.model.find({ clientId }, { resourceId: 1 }).lean<Array<Pick<Doc, 'resourceId'>>>();
    if (!bound.length) return [];
    const docs = await this.resources.model.find({ _id: { $in: bound.map((b) => b.resourceId) } }).sort({ _id: 1 }).lean<ResourceDoc[]>();
    return docs.map(resourceFromDoc);
  }
}
