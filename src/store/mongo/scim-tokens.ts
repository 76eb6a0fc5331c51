import { Schema, type Connection, type Model } from 'mongoose';
import type { Page, PageRequest, ScimTokenRecord, ScimTokenStore } from '../ports.js';
import { SCHEMA_OPTIONS, pageOf, rethrowDuplicate, stringId } from './support.js';

interface Doc {
  _id: string; organizationId: string; name: string; digest: string; start: string; permissions: string[]; createdBy: string;
  createdAt: Date; updatedAt: Date; expiresAt: Date | null; revokedAt: Date | null; lastUsedAt: Date | null;
}

const schema = new Schema<Doc>({
  _id: stringId,
  organizationId: { type: String, required: true },
  name: { type: String, required: true },
  digest: { type: String, required: true },
  start: { type: String, required: true },
  permissions: { type: [String], default: [] },
  createdBy: { type: String, required: true },
  createdAt: { type: Date, required: true },
  updatedAt: { type: Date, required: true },
  expiresAt: { type: Date, default: null },
  revokedAt: { type: Date, default: null },
  lastUsedAt: { type: Date, default: null },
}, SCHEMA_OPTIONS);
schema.index({ digest: 1 }, { unique: true });
schema.index({ organizationId: 1, _id: -1 });

const fromDoc = (d: Doc): ScimTokenRecord => ({
  id: d._id, organizationId: d.organizationId, name: d.name, digest: d.digest, start: d.start, permissions: [...(d.permissions ?? [])],
  createdBy: d.createdBy, createdAt: d.createdAt, updatedAt: d.updatedAt, expiresAt: d.expiresAt ?? null,
  revokedAt: d.revokedAt ?? null, lastUsedAt: d.lastUsedAt ?? null,
});

/** SCIM tokens in MongoDB (`scim_tokens`; `_id` is the token id); revoking is one conditional update. */
export class MongoScimTokens implements ScimTokenStore {
  readonly model: Model<Doc>;

  constructor(conn: Connection) {
    this.model = conn.model<Doc>('ScimToken', schema, 'scim_tokens');
  }

  async create(token: ScimTokenRecord): Promise<void> {
    const { id, ...rest } = token;
    try {
      await this.model.create({ _id: id, ...rest });
    } catch (err) {
      rethrowDuplicate(err, { digest: 'digest', _id: 'id' });
    }
  }

  async findById(organizationId: string, id: string): Promise<ScimTokenRecord | null> {
    const doc = await this.model.findOne({ _id: id, organizationId }).lean<Doc | null>();
    return doc ? fromDoc(doc) : null;
  }

  async findByDigest(digest: string): Promise<ScimTokenRecord | null> {
    const doc = await this.model.findOne({ digest }).lean<Doc | null>();
    return doc ? fromDoc(doc) : null;
  }

  async list(organizationId: string, page: PageRequest): Promise<Page<ScimTokenRecord>> {
    return pageOf(this.model, { organizationId }, page, fromDoc, (t) => t.id);
  }

  async revoke(id: string, at: Date): Promise<boolean> {
    const result = await this.model.updateOne({ _id: id, revokedAt: null }, { $set: { revokedAt: at, updatedAt: at } });
    return result.modifiedCount === 1;
  }

  async touch(id: string, at: Date): Promise<void> {
    await this.model.updateOne({ _id: id, $or: [{ lastUsedAt: null }, { lastUsedAt: { $lt: at } }] }, { $set: { lastUsedAt: at } });
  }
}
