import { Schema, type Connection, type Model } from 'mongoose';
import type { KeySettingField, Organization, OrganizationStore, Page, PageRequest } from '../ports.js';
import { SCHEMA_OPTIONS, pageOf, rethrowDuplicate, setOf, stringId } from './support.js';

interface Doc {
  _id: string; slug: string; name: string; plan: string; mfaRequired?: boolean; createdAt: Date;
  maxKeyLifetimeSeconds?: number | null; keyRotationReminderDays?: number | null;
}

const schema = new Schema<Doc>({
  _id: stringId,
  slug: { type: String },
  name: { type: String },
  plan: { type: String },
  mfaRequired: { type: Boolean, default: false },
  maxKeyLifetimeSeconds: { type: Number, default: null },
  keyRotationReminderDays: { type: Number, default: null },
  createdAt: { type: Date, required: true },
}, SCHEMA_OPTIONS);
schema.index({ slug: 1 }, { unique: true });

const fromDoc = (d: Doc): Organization => ({
  id: d._id, slug: d.slug, name: d.name, plan: d.plan, mfaRequired: d.mfaRequired === true, createdAt: d.createdAt,
  maxKeyLifetimeSeconds: d.maxKeyLifetimeSeconds ?? null, keyRotationReminderDays: d.keyRotationReminderDays ?? null,
});

/** Organizations in MongoDB (`organizations`; slug unique). */
export class MongoOrganizations implements OrganizationStore {
  readonly model: Model<Doc>;

  constructor(conn: Connection) {
    this.model = conn.model<Doc>('Organization', schema, 'organizations');
  }

  async create(org: Organization): Promise<void> {
    try {
      await this.model.create({
        _id: org.id, slug: org.slug, name: org.name, plan: org.plan, mfaRequired: org.mfaRequired, createdAt: org.createdAt,
        maxKeyLifetimeSeconds: org.maxKeyLifetimeSeconds ?? null, keyRotationReminderDays: org.keyRotationReminderDays ?? null,
      });
    } catch (err) {
      rethrowDuplicate(err, { slug: 'slug', _id: 'id' });
    }
  }

  async findById(id: string): Promise<Organization | null> {
    const doc = await this.model.findById(id).lean<Doc | null>();
    return doc ? fromDoc(doc) : null;
  }

  async findBySlug(slug: string): Promise<Organization | null> {
    const doc = await this.model.findOne({ slug }).lean<Doc | null>();
    return doc ? fromDoc(doc) : null;
  }

  async list(page: PageRequest): Promise<Page<Organization>> {
    return pageOf(this.model, {}, page, fromDoc, (o) => o.id);
  }

  async update(id: string, patch: Partial<Pick<Organization, 'name' | 'plan' | 'mfaRequired' | KeySettingField>>): Promise<Organization | null> {
    const doc = await this.model.findOneAndUpdate({ _id: id }, { $set: setOf(patch) }, { returnDocument: 'after' }).lean<Doc | null>();
    return doc ? fromDoc(doc) : null;
  }
}
