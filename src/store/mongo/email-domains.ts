import { Schema, type Connection, type Model } from 'mongoose';
import type { DomainVerificationMethod, EmailDomain, EmailDomainStore, Page, PageRequest } from '../ports.js';
import { SCHEMA_OPTIONS, pageOf, rethrowDuplicate, stringId } from './support.js';

interface Doc {
  _id: string; organizationId: string; domain: string; verificationToken: string; verifiedAt: Date | null;
  verifiedBy: DomainVerificationMethod | null; createdBy: string; createdAt: Date;
}

const schema = new Schema<Doc>({
  _id: stringId,
  organizationId: { type: String, required: true },
  domain: { type: String, required: true },
  verificationToken: { type: String, required: true },
  verifiedAt: { type: Date, default: null },
  verifiedBy: { type: String, default: null },
  createdBy: { type: String, required: true },
  createdAt: { type: Date, required: true },
}, SCHEMA_OPTIONS);
schema.index({ organizationId: 1, domain: 1 }, { unique: true });
schema.index({ organizationId: 1, _id: -1 });
// a domain is verified for one organization at most: unique among the verified claims only
schema.index({ domain: 1 }, { unique: true, partialFilterExpression: { verifiedAt: { $type: 'date' } } });

/** the partial index fails on `domain`; the per-organization one on both keys */
const UNIQUE_FIELDS = { domain: 'verified_domain', 'organizationId,domain': 'domain', _id: 'id' };

const fromDoc = (d: Doc): EmailDomain => ({
  id: d._id, organizationId: d.organizationId, domain: d.domain, verificationToken: d.verificationToken,
  verifiedAt: d.verifiedAt ?? null, verifiedBy: d.verifiedBy ?? null, createdBy: d.createdBy, createdAt: d.createdAt,
});

/** Organizations' email domains in MongoDB (`email_domains`); verifying is one conditional update under the partial unique index. */
export class MongoEmailDomains implements EmailDomainStore {
  readonly model: Model<Doc>;

  constructor(conn: Connection) {
    this.model = conn.model<Doc>('EmailDomain', schema, 'email_domains');
  }

  async create(domain: EmailDomain): Promise<void> {
    const { id, ...rest } = domain;
    try {
      await this.model.create({ _id: id, ...rest });
    } catch (err) {
      rethrowDuplicate(err, UNIQUE_FIELDS);
    }
  }

  findById(organizationId: string, id: string): Promise<EmailDomain | null> {
    return this.one({ _id: id, organizationId });
  }

  findByDomain(organizationId: string, domain: string): Promise<EmailDomain | null> {
    return this.one({ organizationId, domain });
  }

  findVerified(domain: string): Promise<EmailDomain | null> {
    return this.one({ domain, verifiedAt: { $type: 'date' } });
  }

  list(organizationId: string, page: PageRequest): Promise<Page<EmailDomain>> {
    return pageOf(this.model, { organizationId }, page, fromDoc, (d) => d.id);
  }

  async verify(id: string, method: DomainVerificationMethod, at: Date): Promise<EmailDomain | null> {
    try {
      const doc = await this.model.findOneAndUpdate({ _id: id, verifiedAt: null }, { $set: { verifiedAt: at, verifiedBy: method } },
        { returnDocument: 'after' }).lean<Doc | null>();
      return doc ? fromDoc(doc) : null;
    } catch (err) {
      rethrowDuplicate(err, UNIQUE_FIELDS);
    }
  }

  async delete(organizationId: string, id: string): Promise<boolean> {
    return (await this.model.deleteOne({ _id: id, organizationId })).deletedCount === 1;
  }

  private async one(filter: Record<string, unknown>): Promise<EmailDomain | null> {
    const doc = await this.model.findOne(filter).lean<Doc | null>();
    return doc ? fromDoc(doc) : null;
  }
}
