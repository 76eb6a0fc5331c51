import type { DomainVerificationMethod, EmailDomain, EmailDomainStore, Page, PageRequest } from '../ports.js';
import type { SqliteDb } from './database.js';
import { date, fromMs, pageLimit, rethrowUnique, toMs, toPage, type RowCodec } from './rows.js';

interface Row {
  id: string; organization_id: string; domain: string; verification_token: string; verified_at: number | null;
  verified_by: string | null; created_by: string; created_at: number;
}

const codec: RowCodec<Row, EmailDomain> = {
  fromRow: (r) => ({
    id: r.id, organizationId: r.organization_id, domain: r.domain, verificationToken: r.verification_token,
    verifiedAt: fromMs(r.verified_at), verifiedBy: r.verified_by as DomainVerificationMethod | null, createdBy: r.created_by,
    createdAt: date(r.created_at),
  }),
  toRow: (d) => ({
    id: d.id, organization_id: d.organizationId, domain: d.domain, verification_token: d.verificationToken,
    verified_at: toMs(d.verifiedAt), verified_by: d.verifiedBy, created_by: d.createdBy, created_at: d.createdAt.getTime(),
  }),
};

const COLUMNS = ['id', 'organization_id', 'domain', 'verification_token', 'verified_at', 'verified_by', 'created_by', 'created_at'];
/** the partial unique index on verified domains fails on `domain`; the per-organization one on both columns */
const UNIQUE_FIELDS = { domain: 'verified_domain', 'organization_id,domain': 'domain', id: 'id' };

/** Organizations' email domains in SQLite; a partial unique index lets a domain be verified once. */
export class SqliteEmailDomains implements EmailDomainStore {
  private readonly insert;
  private readonly byId;
  private readonly byDomain;
  private readonly verified;
  private readonly page;
  private readonly markVerified;
  private readonly byIdOnly;
  private readonly remove;

  constructor(db: SqliteDb) {
    this.insert = db.prepare(`INSERT INTO email_domains (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map((c) => `@${c}`).join(', ')})`);
    this.byId = db.prepare<[string, string], Row>('SELECT * FROM email_domains WHERE organization_id = ? AND id = ?');
    this.byIdOnly = db.prepare<[string], Row>('SELECT * FROM email_domains WHERE id = ?');
    this.byDomain = db.prepare<[string, string], Row>('SELECT * FROM email_domains WHERE organization_id = ? AND domain = ?');
    this.verified = db.prepare<[string], Row>('SELECT * FROM email_domains WHERE domain = ? AND verified_at IS NOT NULL');
    this.page = db.prepare<[{ org: string; cursor: string | null; limit: number }], Row>(`SELECT * FROM email_domains
      WHERE organization_id = @org AND (@cursor IS NULL OR id < @cursor) ORDER BY id DESC LIMIT @limit`);
    this.markVerified = db.prepare(`UPDATE email_domains SET verified_at = @at, verified_by = @method
      WHERE id = @id AND verified_at IS NULL`);
    this.remove = db.prepare('DELETE FROM email_domains WHERE organization_id = ? AND id = ?');
  }

  async create(domain: EmailDomain): Promise<void> {
    try {
      this.insert.run(codec.toRow(domain));
    } catch (err) {
      rethrowUnique(err, UNIQUE_FIELDS);
    }
  }

  async findById(organizationId: string, id: string): Promise<EmailDomain | null> {
    return this.one(this.byId.get(organizationId, id));
  }

  async findByDomain(organizationId: string, domain: string): Promise<EmailDomain | null> {
    return this.one(this.byDomain.get(organizationId, domain));
  }

  async findVerified(domain: string): Promise<EmailDomain | null> {
    return this.one(this.verified.get(domain));
  }

  async list(organizationId: string, page: PageRequest): Promise<Page<EmailDomain>> {
    const limit = pageLimit(page);
    const rows = this.page.all({ org: organizationId, cursor: page.cursor ?? null, limit: limit + 1 });
    return toPage(rows, limit, codec.fromRow, (d) => d.id);
  }

  async verify(id: string, method: DomainVerificationMethod, at: Date): Promise<EmailDomain | null> {
    let changes: number;
    try {
      changes = this.markVerified.run({ id, method, at: at.getTime() }).changes;
    } catch (err) {
      rethrowUnique(err, UNIQUE_FIELDS);
    }
    return changes === 1 ? this.one(this.byIdOnly.get(id)) : null;
  }

  async delete(organizationId: string, id: string): Promise<boolean> {
    return this.remove.run(organizationId, id).changes === 1;
  }

  private one(row: Row | undefined): EmailDomain | null {
    return row ? codec.fromRow(row) : null;
  }
}
