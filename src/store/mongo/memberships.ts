import { Schema, type Connection, type Model } from 'mongoose';
import type { Membership, MembershipStore, Page, PageRequest } from '../ports.js';
import { SCHEMA_OPTIONS, pageOf, rethrowDuplicate, stringId } from './support.js';

interface Doc { _id: string; organizationId: string; userId: string; roles: string[]; createdAt: Date }

const schema = new Schema<Doc>({
  _id: stringId,
  organizationId: { type: String },
  userId: { type: String },
  roles: { type: [String], default: [] },
  createdAt: { type: Date, required: true },
}, SCHEMA_OPTIONS);
schema.index({ organizationId: 1, userId: 1 }, { unique: true });
schema.index({ organizationId: 1, _id: -1 });
schema.index({ userId: 1, _id: 1 });

const fromDoc = (d: Doc): Membership => ({
  id: d._id, organizationId: d.organizationId, userId: d.userId, roles: [...(d.roles ?? [])], createdAt: d.createdAt,
});

/** Memberships in MongoDB (`memberships`; one per organization and user). */
export class MongoMemberships implements MembershipStore {
  readonly model: Model<Doc>;

  constructor(conn: Connection) {
    this.model = conn.model<Doc>('Membership', schema, 'memberships');
  }

  async create(m: Membership): Promise<void> {
    try {
      await this.model.create({ _id: m.id, organizationId: m.organizationId, userId: m.userId, roles: m.roles, createdAt: m.createdAt });
    } catch (err) {
      rethrowDuplicate(err, { 'organizationId,userId': 'membership', _id: 'id' });
    }
  }

  async find(organizationId: string, userId: string): Promise<Membership | null> {
    const doc = await this.model.findOne({ organizationId, userId }).lean<Doc | null>();
    return doc ? fromDoc(doc) : null;
  }

  async listByOrganization(organizationId: string, page: PageRequest): Promise<Page<Membership>> {
    return pageOf(this.model, { organizationId }, page, fromDoc, (m) => m.id);
  }

  /** oldest membership first */
  async listByUser(userId: string): Promise<Membership[]> {
    const docs = await this.model.find({ userId }).sort({ _id: 1 }).lean<Doc[]>();
    return docs.map(fromDoc);
  }

  async setRoles(organizationId: string, userId: string, roles: string[]): Promise<Membership | null> {
    const doc = await this.model.findOneAndUpdate({ organizationId, userId }, { $set: { roles } }, { returnDocument: 'after' }).lean<Doc | null>();
    return doc ? fromDoc(doc) : null;
  }

  async delete(organizationId: string, userId: string): Promise<boolean> {
    return (await this.model.deleteOne({ organizationId, userId })).deletedCount === 1;
  }
}
