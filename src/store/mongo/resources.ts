import { Schema, type Connection, type Model } from 'mongoose';
import type { Page, PageRequest, Resource, ResourceStore } from '../ports.js';
import { SCHEMA_OPTIONS, pageOf, rethrowDuplicate, setOf, stringId } from './support.js';

export interface ResourceDoc {
  _id: string; organizationId: string | null; identifier: string; name: string; permissions: string[]; createdAt: Date; updatedAt: Date;
}

const schema = new Schema<ResourceDoc>({
  _id: stringId,
  organizationId: { type: String, default: null },
  identifier: { type: String },
  name: { type: String },
  permissions: { type: [String], default: [] },
  createdAt: { type: Date, required: true },
  updatedAt: { type: Date, required: true },
}, SCHEMA_OPTIONS);
schema.index({ identifier: 1 }, { unique: true });
schema.index({ organizationId: 1, _id: -1 });

/** A resource document as a resource (also read by the bindings). */
export const resourceFromDoc = (d: ResourceDoc): Resource => ({
  id: d._id, organizationId: d.organizationId ?? null, identifier: d.identifier, name: d.name,
  permissions: [...(d.permissions ?? [])], createdAt: d.createdAt, updatedAt: d.updatedAt,
});

/**
 * Resources in MongoDB (`resources`; identifier unique per deployment). A platform resource's
 * `organizationId` is null: `{ organizationId: null }` finds exactly those (every document has the field).
 */
export class MongoResources implements ResourceStore {
  readonly model: Model<ResourceDoc>;

  constructor(conn: Connection) {
    this.model = conn.model<ResourceDoc>('Resource', schema, 'resources');
  }

  async create(r: Resource): Promise<void> {
    try {
      await this.model.create({
        _id: r.id, organizationId: r.organizationId, identifier: r.identifier, name: r.name,
        permissions: r.permissions, createdAt: r.createdAt, updatedAt: r.updatedAt,
      });
    } catch (err) {
      rethrowDuplicate(err, { identifier: 'identifier', _id: 'id' });
    }
  }

  async findById(organizationId: string | null, id: string): Promise<Resource | null> {
    const doc = await this.model.findOne({ _id: id, organizationId }).lean<ResourceDoc | null>();
    return doc ? resourceFromDoc(doc) : null;
  }

  async findByIdentifier(identifier: string): Promise<Resource | null> {
    const doc = await this.model.findOne({ identifier }).lean<ResourceDoc | null>();
    return doc ? resourceFromDoc(doc) : null;
  }

  async list(organizationId: string | null, page: PageRequest): Promise<Page<Resource>> {
    return pageOf(this.model, { organizationId }, page, resourceFromDoc, (r) => r.id);
  }

  async organizationResourcesDeclaring(nouns: readonly string[], limit: number): Promise<Resource[]> {
    if (!nouns.length) return [];
    // nouns are [a-z0-9_.-]: only `.` needs escaping
    const pattern = new RegExp(`^(?:${nouns.map((n) => n.replace(/\./g, '\\.')).join('|')}):`);
    const docs = await this.model.find({ organizationId: { $ne: null }, permissions: pattern }).limit(limit).lean<ResourceDoc[]>();
    return docs.map(resourceFromDoc);
  }

  async update(organizationId: string | null, id: string, patch: Partial<Pick<Resource, 'name' | 'permissions' | 'updatedAt'>>): Promise<Resource | null> {
    const doc = await this.model.findOneAndUpdate({ _id: id, organizationId }, { $set: setOf(patch) }, { returnDocument: 'after' }).lean<ResourceDoc | null>();
    return doc ? resourceFromDoc(doc) : null;
  }

  async delete(organizationId: string | null, id: string): Promise<boolean> {
    return (await this.model.deleteOne({ _id: id, organizationId })).deletedCount === 1;
  }
}
