import type { KeySettingField, Organization, OrganizationStore, Page, PageRequest } from '../ports.js';
import type { SqliteDb } from './database.js';
import { date, pageLimit, patchRow, rethrowUnique, toPage, type RowCodec } from './rows.js';

interface Row {
  id: string; slug: string; name: string; plan: string; mfa_required: number; leaked_key_policy: string; created_at: number;
  max_key_lifetime_seconds: number | null; key_rotation_reminder_days: number | null;
}

const codec: RowCodec<Row, Organization> = {
  fromRow: (r) => ({
    id: r.id, slug: r.slug, name: r.name, plan: r.plan, mfaRequired: r.mfa_required === 1,
    leakedKeyPolicy: r.leaked_key_policy === 'notify' ? 'notify' : 'revoke', createdAt: date(r.created_at),
    maxKeyLifetimeSeconds: r.max_key_lifetime_seconds, keyRotationReminderDays: r.key_rotation_reminder_days,
  }),
  toRow: (o) => ({
    id: o.id, slug: o.slug, name: o.name, plan: o.plan, mfa_required: o.mfaRequired ? 1 : 0, leaked_key_policy: o.leakedKeyPolicy, created_at: o.createdAt.getTime(),
    max_key_lifetime_seconds: o.maxKeyLifetimeSeconds ?? null, key_rotation_reminder_days: o.keyRotationReminderDays ?? null,
  }),
};
const { fromRow } = codec;

/** Organizations in SQLite. */
export class SqliteOrganizations implements OrganizationStore {
  private readonly insert;
  private readonly byId;
  private readonly bySlug;
  private readonly page;
  private readonly write;

  constructor(private readonly db: SqliteDb) {
    this.insert = db.prepare(`INSERT INTO organizations (id, slug, name, plan, mfa_required, leaked_key_policy, created_at, max_key_lifetime_seconds, key_rotation_reminder_days)
      VALUES (@id, @slug, @name, @plan, @mfa_required, @leaked_key_policy, @created_at, @max_key_lifetime_seconds, @key_rotation_reminder_days)`);
    this.byId = db.prepare<[string], Row>('SELECT * FROM organizations WHERE id = ?');
    this.bySlug = db.prepare<[string], Row>('SELECT * FROM organizations WHERE slug = ?');
    this.page = db.prepare<[{ cursor: string | null; limit: number }], Row>(
      'SELECT * FROM organizations WHERE (@cursor IS NULL OR id < @cursor) ORDER BY id DESC LIMIT @limit');
    this.write = db.prepare(`UPDATE organizations SET name = @name, plan = @plan, mfa_required = @mfa_required,
      leaked_key_policy = @leaked_key_policy,
      max_key_lifetime_seconds = @max_key_lifetime_seconds, key_rotation_reminder_days = @key_rotation_reminder_days WHERE id = @id`);
  }

  async create(org: Organization): Promise<void> {
    try {
      this.insert.run(codec.toRow(org));
    } catch (err) {
      rethrowUnique(err, { slug: 'slug', id: 'id' });
    }
  }

  async findById(id: string): Promise<Organization | null> {
    const row = this.byId.get(id);
    return row ? fromRow(row) : null;
  }

  async findBySlug(slug: string): Promise<Organization | null> {
    const row = this.bySlug.get(slug);
    return row ? fromRow(row) : null;
  }

  async list(page: PageRequest): Promise<Page<Organization>> {
    const limit = pageLimit(page);
    return toPage(this.page.all({ cursor: page.cursor ?? null, limit: limit + 1 }), limit, fromRow, (o) => o.id);
  }

  async update(id: string, patch: Partial<Pick<Organization, 'name' | 'plan' | 'mfaRequired' | 'leakedKeyPolicy' | KeySettingField>>): Promise<Organization | null> {
    return patchRow(this.db, codec, () => this.byId.get(id), (row) => this.write.run(row), patch);
  }
}
