import { Schema, type Connection, type Model } from 'mongoose';
import type { Page, PageRequest, Role, RoleStore } from '../ports.js';
import { SCHEMA_OPTIONS, pageOf, rethrowDuplicate, setOf, stringId } from './support.js';

interface Doc {
  _id: string; organizationId: string; name: string; description: string | null; permissions: string[];
  createdAt: Date; updatedAt: Date;
}

const schema = new Schema<Doc>({
  _id: stringId,
  organizationId: { type: String },
  name: { type: String },
  description: { type: String, default: null },
  permissions: { type: [String], default: [] },
  createdAt: { type: Date, required: true },
  updatedAt: { type: Date, required: true },
}, SCHEMA_OPTIONS);
schema.index({ organizationId: 1, name: 1 }, { unique: true });
schema.index({ organizationId: 1, _id: -1 });

const fromDoc = (d: Doc): Role => ({
  id: d._id, organizationId: d.organizationId, name: d.name, description: d.description ?? null,
  permissions: [...(d.permissions ?? [])], createdAt: d.createdAt, updatedAt: d.updatedAt,
});

/** Custom roles in MongoDB (`roles`; name unique per organization). */
export class MongoRoles implements RoleStore {
  readonly model: Model<Doc>;

  constructor(conn: Connection) {
    this.model = conn.model<Doc>('Role', schema, 'roles');
  }

  async create(r: Role): Promise<void> {
    try {
      await this.model.create({
        _id: r.id, organizationId: r.organizationId, name: r.name, description: r.description,
        permissions: r.permissions, createdAt: r.createdAt, updatedAt: r.updatedAt,
      });
    } catch (err) {
      rethrowDuplicate(err, { 'organizationId,name': 'name', _id: 'id' });
    }
  }

  async findById(organizationId: string, id: string): Promise<Role | null> {
    const doc = await this.model.findOne({ _id: id, organizationId }).lean<Doc | null>();
    return doc ? fromDoc(doc) : null;
  }

  async findByName(organizationId: string, name: string): Promise<Role | null> {
    const doc = await this.model.findOne({ organizationId, name }).lean<Doc | null>();
    return doc ? fromDoc(doc) : null;
  }

  async list(organizationId: string, page: PageRequest): Promise<Page<Role>> {
    return pageOf(this.model, { organizationId }, page, fromDoc, (r) => r.id);
  }

  async update(organizationId: string, id: string, patch: Partial<Pick<Role, 'description' | 'permissions' | 'updatedAt'>>): Promise<Role | null> {
    const doc = await this.model.findOneAndUpdate({ _id: id, organizationId }, { $set: setOf(patch) }, { returnDocument: 'after' }).lean<Doc | null>();
    return doc ? fromDoc(doc) : null;
  }

  async delete(organizationId: string, id: string): Promise<boolean> {
    return (await this.model.deleteOne({ _id: id, organizationId })).deletedCount === 1;
  }
}
