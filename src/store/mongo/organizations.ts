import { Schema, type Connection, type Model } from 'mongoose';
import type { KeySettingField, Organization, OrganizationStore, Page, PageRequest } from '../ports.js';
import { SCHEMA_OPTIONS, pageOf, rethrowDuplicate, setOf, stringId } from './support.js';

interface Doc {
  _id: string; slug: string; name: string; plan: string; mfaRequired?: boolean; leakedKeyPolicy?: string; createdAt: Date;
  maxKeyLifetimeSeconds?: number | null; keyRotationReminderDays?: number | null;
}

const schema = new Schema<Doc>({
  _id: stringId,
  slug: { type: String },
  name: { type: String },
  plan: { type: String },
  mfaRequired: { type: Boolean, default: false },
  leakedKeyPolicy: { type: String, default: 'revoke' },
  maxKeyLifetimeSeconds: { type: Number, default: null },
  keyRotationReminderDays: { type: Number, default: null },
  createdAt: { type: Date, required: true },
}, SCHEMA_OPTIONS);
schema.index({ slug: 1 }, { unique: true });

const fromDoc = (d: Doc): Organization => ({
  id: d._id, slug: d.slug, name: d.name, plan: d.plan, mfaRequired: d.mfaRequired === true,
  // documents written before the field existed have none: the default policy
  leakedKeyPolicy: d.leakedKeyPolicy === 'notify' ? 'notify' : 'revoke', createdAt: d.createdAt,
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
        _id: org.id, slug: org.slug, name: org.name, plan: org.plan, mfaRequired: org.mfaRequired, leakedKeyPolicy: org.leakedKeyPolicy, createdAt: org.createdAt,
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

  async update(id: string, patch: Partial<Pick<Organization, 'name' | 'plan' | 'mfaRequired' | 'leakedKeyPolicy' | KeySettingField>>): Promise<Organization | null> {
    const doc = await this.model.findOneAndUpdate({ _id: id }, { $set: setOf(patch) }, { returnDocument: 'after' }).lean<Doc | null>();
    return doc ? fromDoc(doc) : null;
  }
}
