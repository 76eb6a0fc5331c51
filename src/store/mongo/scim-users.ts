import { Schema, type Connection, type Model } from 'mongoose';
import { definedPatch, pageLimit, toPage } from '../paging.js';
import type { Page, PageRequest, ScimName, ScimUser, ScimUserStore } from '../ports.js';
import { SCHEMA_OPTIONS, rethrowDuplicate, stringId } from './support.js';

interface Doc {
  /** `<organizationId>/<scimId>`: a member's SCIM id is their user id, the same in each of their organizations */
  _id: string; organizationId: string; scimId: string; userId: string | null; email: string;
  /** the email while invited, null once joined: unique among the invited only */
  invitedEmail: string | null; externalId: string | null; name: ScimName | null; displayName: string | null; active: boolean;
  roles: string[]; invitationId: string | null; version: number; createdAt: Date; updatedAt: Date;
}

const nameSchema = new Schema<ScimName>({ givenName: String, familyName: String, formatted: String }, { _id: false });

const schema = new Schema<Doc>({
  _id: stringId,
  organizationId: { type: String, required: true },
  scimId: { type: String, required: true },
  userId: { type: String, default: null },
  email: { type: String, required: true },
  invitedEmail: { type: String, default: null },
  externalId: { type: String, default: null },
  name: { type: nameSchema, default: null },
  displayName: { type: String, default: null },
  active: { type: Boolean, required: true },
  roles: { type: [String], default: [] },
  invitationId: { type: String, default: null },
  version: { type: Number, required: true },
  createdAt: { type: Date, required: true },
  updatedAt: { type: Date, required: true },
}, SCHEMA_OPTIONS);
const present = (field: string) => ({ partialFilterExpression: { [field]: { $type: 'string' } }, unique: true });
schema.index({ organizationId: 1, invitedEmail: 1 }, present('invitedEmail'));
schema.index({ organizationId: 1, externalId: 1 }, present('externalId'));
schema.index({ organizationId: 1, userId: 1 }, present('userId'));
schema.index({ organizationId: 1, invitationId: 1 });

const UNIQUE_FIELDS = {
  'organizationId,invitedEmail': 'email', 'organizationId,externalId': 'external_id', 'organizationId,userId': 'user_id', _id: 'id',
};

const keyOf = (organizationId: string, id: string) => `${organizationId}/${id}`;

const fromDoc = (d: Doc): ScimUser => ({
  id: d.scimId, organizationId: d.organizationId, userId: d.userId ?? null, email: d.email, externalId: d.externalId ?? null,
  name: d.name ? { givenName: d.name.givenName ?? null, familyName: d.name.familyName ?? null, formatted: d.name.formatted ?? null } : null,
  displayName: d.displayName ?? null, active: d.active, roles: [...(d.roles ?? [])], invitationId: d.invitationId ?? null,
  version: d.version, createdAt: d.createdAt, updatedAt: d.updatedAt,
});

const toDoc = (u: ScimUser): Doc => {
  const { id, ...rest } = u;
  return { ...rest, _id: keyOf(u.organizationId, id), scimId: id, invitedEmail: u.userId === null ? u.email : null };
};

/** The people identity providers provisioned, in MongoDB (`scim_users`); updates are compare-and-set on `version`. */
export class MongoScimUsers implements ScimUserStore {
  readonly model: Model<Doc>;

  constructor(conn: Connection) {
    this.model = conn.model<Doc>('ScimUser', schema, 'scim_users');
  }

  async create(user: ScimUser): Promise<void> {
    try {
      await this.model.create(toDoc(user));
    } catch (err) {
      rethrowDuplicate(err, UNIQUE_FIELDS);
    }
  }

  findById(organizationId: string, id: string): Promise<ScimUser | null> {
    return this.one({ _id: keyOf(organizationId, id) });
  }

  findByUserId(organizationId: string, userId: string): Promise<ScimUser | null> {
    return this.one({ organizationId, userId });
  }

  findByExternalId(organizationId: string, externalId: string): Promise<ScimUser | null> {
    return this.one({ organizationId, externalId });
  }

  findInvitedByEmail(organizationId: string, email: string): Promise<ScimUser | null> {
    return this.one({ organizationId, invitedEmail: email });
  }

  findByInvitation(organizationId: string, invitationId: string): Promise<ScimUser | null> {
    return this.one({ organizationId, invitationId });
  }

  async list(organizationId: string, page: PageRequest): Promise<Page<ScimUser>> {
    const limit = pageLimit(page);
    // `_id` starts with the organization: its order within one is the SCIM ids' order
    const filter = page.cursor ? { organizationId, _id: { $lt: keyOf(organizationId, page.cursor) } } : { organizationId };
    const docs = await this.model.find(filter).sort({ _id: -1 }).limit(limit + 1).lean<Doc[]>();
    return toPage(docs, limit, fromDoc, (u) => u.id);
  }

  async update(organizationId: string, id: string, expectedVersion: number, patch: Partial<ScimUser>): Promise<ScimUser | null> {
    const current = await this.findById(organizationId, id);
    if (!current || current.version !== expectedVersion) return null;
    const { _id, ...next } = toDoc({ ...current, ...definedPatch(patch), version: expectedVersion + 1 });
    try {
      // the version in the filter makes the whole write a compare-and-set on what was read
      const doc = await this.model.findOneAndUpdate({ _id, version: expectedVersion }, { $set: next }, { returnDocument: 'after' }).lean<Doc | null>();
      return doc ? fromDoc(doc) : null;
    } catch (err) {
      rethrowDuplicate(err, UNIQUE_FIELDS);
    }
  }

  async delete(organizationId: string, id: string): Promise<boolean> {
    return (await this.model.deleteOne({ _id: keyOf(organizationId, id) })).deletedCount === 1;
  }

  private async one(filter: Record<string, unknown>): Promise<ScimUser | null> {
    const doc = await this.model.findOne(filter).lean<Doc | null>();
    return doc ? fromDoc(doc) : null;
  }
}
