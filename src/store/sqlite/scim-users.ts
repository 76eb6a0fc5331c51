import type { Page, PageRequest, ScimName, ScimUser, ScimUserStore } from '../ports.js';
import type { SqliteDb } from './database.js';
import { date, definedPatch, json, pageLimit, parse, rethrowUnique, toPage, type RowCodec } from './rows.js';

interface Row {
  id: string; organization_id: string; user_id: string | null; email: string; invited_email: string | null;
  external_id: string | null; name: string | null; display_name: string | null; active: number; roles: string;
  invitation_id: string | null; version: number; created_at: number; updated_at: number;
}

const codec: RowCodec<Row, ScimUser> = {
  fromRow: (r) => ({
    id: r.id, organizationId: r.organization_id, userId: r.user_id, email: r.email, externalId: r.external_id,
    name: parse<ScimName | null>(r.name), displayName: r.display_name, active: r.active === 1, roles: parse<string[]>(r.roles),
    invitationId: r.invitation_id, version: r.version, createdAt: date(r.created_at), updatedAt: date(r.updated_at),
  }),
  toRow: (u) => ({
    id: u.id, organization_id: u.organizationId, user_id: u.userId, email: u.email,
    // unique among the invited only: a member's address is their account's business
    invited_email: u.userId === null ? u.email : null,
    external_id: u.externalId, name: u.name ? json(u.name) : null, display_name: u.displayName, active: u.active ? 1 : 0,
    roles: json(u.roles), invitation_id: u.invitationId, version: u.version, created_at: u.createdAt.getTime(),
    updated_at: u.updatedAt.getTime(),
  }),
};

const COLUMNS = ['id', 'organization_id', 'user_id', 'email', 'invited_email', 'external_id', 'name', 'display_name', 'active',
  'roles', 'invitation_id', 'version', 'created_at', 'updated_at'];
const UNIQUE_FIELDS = {
  'organization_id,invited_email': 'email', 'organization_id,external_id': 'external_id', 'organization_id,user_id': 'user_id',
  'organization_id,id': 'id',
};

/** The people identity providers provisioned, in SQLite; updates are compare-and-set on `version`. */
export class SqliteScimUsers implements ScimUserStore {
  private readonly insert;
  private readonly byId;
  private readonly by;
  private readonly page;
  private readonly write;
  private readonly remove;

  constructor(private readonly db: SqliteDb) {
    this.insert = db.prepare(`INSERT INTO scim_users (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map((c) => `@${c}`).join(', ')})`);
    this.byId = db.prepare<[string, string], Row>('SELECT * FROM scim_users WHERE organization_id = ? AND id = ?');
    const where = (column: string) => db.prepare<[string, string], Row>(`SELECT * FROM scim_users WHERE organization_id = ? AND ${column} = ?`);
    this.by = {
      userId: where('user_id'), externalId: where('external_id'), invitedEmail: where('invited_email'), invitation: where('invitation_id'),
    };
    this.page = db.prepare<[{ org: string; cursor: string | null; limit: number }], Row>(`SELECT * FROM scim_users
      WHERE organization_id = @org AND (@cursor IS NULL OR id < @cursor) ORDER BY id DESC LIMIT @limit`);
    this.write = db.prepare(`UPDATE scim_users SET ${COLUMNS.filter((c) => !['id', 'organization_id', 'created_at'].includes(c))
      .map((c) => `${c} = @${c}`).join(', ')} WHERE organization_id = @organization_id AND id = @id AND version = @expected`);
    this.remove = db.prepare('DELETE FROM scim_users WHERE organization_id = ? AND id = ?');
  }

  async create(user: ScimUser): Promise<void> {
    try {
      this.insert.run(codec.toRow(user));
    } catch (err) {
      rethrowUnique(err, UNIQUE_FIELDS);
    }
  }

  async findById(organizationId: string, id: string): Promise<ScimUser | null> {
    return this.one(this.byId.get(organizationId, id));
  }

  async findByUserId(organizationId: string, userId: string): Promise<ScimUser | null> {
    return this.one(this.by.userId.get(organizationId, userId));
  }

  async findByExternalId(organizationId: string, externalId: string): Promise<ScimUser | null> {
    return this.one(this.by.externalId.get(organizationId, externalId));
  }

  async findInvitedByEmail(organizationId: string, email: string): Promise<ScimUser | null> {
    return this.one(this.by.invitedEmail.get(organizationId, email));
  }

  async findByInvitation(organizationId: string, invitationId: string): Promise<ScimUser | null> {
    return this.one(this.by.invitation.get(organizationId, invitationId));
  }

  async list(organizationId: string, page: PageRequest): Promise<Page<ScimUser>> {
    const limit = pageLimit(page);
    const rows = this.page.all({ org: organizationId, cursor: page.cursor ?? null, limit: limit + 1 });
    return toPage(rows, limit, codec.fromRow, (u) => u.id);
  }

  async update(organizationId: string, id: string, expectedVersion: number, patch: Partial<ScimUser>): Promise<ScimUser | null> {
    return this.db.transaction(() => {
      const row = this.byId.get(organizationId, id);
      if (!row || row.version !== expectedVersion) return null;
      const next = { ...codec.fromRow(row), ...definedPatch(patch), version: expectedVersion + 1 };
      try {
        this.write.run({ ...codec.toRow(next), expected: expectedVersion });
      } catch (err) {
        rethrowUnique(err, UNIQUE_FIELDS);
      }
      return codec.fromRow(this.byId.get(organizationId, id)!);
    }).immediate();
  }

  async delete(organizationId: string, id: string): Promise<boolean> {
    return this.remove.run(organizationId, id).changes === 1;
  }

  private one(row: Row | undefined): ScimUser | null {
    return row ? codec.fromRow(row) : null;
  }
}
