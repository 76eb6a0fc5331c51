import { Schema, type Connection, type Model } from 'mongoose';
import { definedPatch } from '../paging.js';
import type { SsoConnection, SsoConnectionStore } from '../ports.js';
import { SCHEMA_OPTIONS, rethrowDuplicate, stringId } from './support.js';

interface Doc {
  _id: string; issuer: string; clientId: string; sealedClientSecret: string; defaultRole: string; required: boolean;
  createdBy: string; version: number; createdAt: Date; updatedAt: Date;
}

const schema = new Schema<Doc>({
  _id: stringId,
  issuer: { type: String, required: true },
  clientId: { type: String, required: true },
  sealedClientSecret: { type: String, required: true },
  defaultRole: { type: String, required: true },
  required: { type: Boolean, default: false },
  createdBy: { type: String, required: true },
  version: { type: Number, required: true },
  createdAt: { type: Date, required: true },
  updatedAt: { type: Date, required: true },
}, SCHEMA_OPTIONS);

const fromDoc = (d: Doc): SsoConnection => ({
  organizationId: d._id, issuer: d.issuer, clientId: d.clientId, sealedClientSecret: d.sealedClientSecret, defaultRole: d.defaultRole,
  required: d.required === true, createdBy: d.createdBy, version: d.version, createdAt: d.createdAt, updatedAt: d.updatedAt,
});

/** Organizations' identity providers in MongoDB (`sso_connections`; `_id` is the organization id); updates are compare-and-set on `version`. */
export class MongoSsoConnections implements SsoConnectionStore {
  readonly model: Model<Doc>;

  constructor(conn: Connection) {
    this.model = conn.model<Doc>('SsoConnection', schema, 'sso_connections');
  }

  async create(connection: SsoConnection): Promise<void> {
    const { organizationId, ...rest } = connection;
    try {
      await this.model.create({ _id: organizationId, ...rest });
    } catch (err) {
      rethrowDuplicate(err, { _id: 'organization_id' });
    }
  }

  async find(organizationId: string): Promise<SsoConnection | null> {
    const doc = await this.model.findOne({ _id: organizationId }).lean<Doc | null>();
    return doc ? fromDoc(doc) : null;
  }

  async update(organizationId: string, expectedVersion: number, patch: Partial<SsoConnection>): Promise<SsoConnection | null> {
    const { organizationId: _ignored, version: _version, createdAt: _created, createdBy: _by, ...fields } = definedPatch(patch);
    // the version in the filter makes the write a compare-and-set on what the caller read
    const doc = await this.model.findOneAndUpdate({ _id: organizationId, version: expectedVersion },
      { ...(Object.keys(fields).length ? { $set: fields } : {}), $inc: { version: 1 } }, { returnDocument: 'after' }).lean<Doc | null>();
    return doc ? fromDoc(doc) : null;
  }

  async delete(organizationId: string): Promise<boolean> {
    return (await this.model.deleteOne({ _id: organizationId })).deletedCount === 1;
  }

  async any(): Promise<boolean> {
    return (await this.model.exists({})) !== null;
  }
}
