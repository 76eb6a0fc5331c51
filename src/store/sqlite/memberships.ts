import type { Membership, MembershipStore, Page, PageRequest } from '../ports.js';
import type { SqliteDb } from './database.js';
import { date, json, pageLimit, parse, patchRow, rethrowUnique, toPage, type RowCodec } from './rows.js';

interface Row { id: string; organization_id: string; user_id: string; roles: string; created_at: number }

const codec: RowCodec<Row, Membership> = {
  fromRow: (r) => ({
    id: r.id, organizationId: r.organization_id, userId: r.user_id, roles: parse<string[]>(r.roles), createdAt: date(r.created_at),
  }),
  toRow: (m) => ({
    id: m.id, organization_id: m.organizationId, user_id: m.userId, roles: json(m.roles), created_at: m.createdAt.getTime(),
  }),
};

/** Memberships (user ↔ organization, with role names) in SQLite. */
export class SqliteMemberships implements MembershipStore {
  private readonly insert;
  private readonly byPair;
  private readonly page;
  private readonly byUser;
  private readonly write;
  private readonly remove;

  constructor(private readonly db: SqliteDb) {
    this.insert = db.prepare(`INSERT INTO memberships (id, organization_id, user_id, roles, created_at)
      VALUES (@id, @organization_id, @user_id, @roles, @created_at)`);
    this.byPair = db.prepare<[string, string], Row>('SELECT * FROM memberships WHERE organization_id = ? AND user_id = ?');
    this.page = db.prepare<[{ org: string; cursor: string | null; limit: number }], Row>(`SELECT * FROM memberships
      WHERE organization_id = @org AND (@cursor IS NULL OR id < @cursor) ORDER BY id DESC LIMIT @limit`);
    this.byUser = db.prepare<[string], Row>('SELECT * FROM memberships WHERE user_id = ? ORDER BY id');
    this.write = db.prepare('UPDATE memberships SET roles = @roles WHERE id = @id');
    this.remove = db.prepare('DELETE FROM memberships WHERE organization_id = ? AND user_id = ?');
  }

  async create(m: Membership): Promise<void> {
    try {
      this.insert.run(codec.toRow(m));
    } catch (err) {
      rethrowUnique(err, { 'organization_id,user_id': 'membership', id: 'id' });
    }
  }

  async find(organizationId: string, userId: string): Promise<Membership | null> {
    const row = this.byPair.get(organizationId, userId);
    return row ? codec.fromRow(row) : null;
  }

  async listByOrganization(organizationId: string, page: PageRequest): Promise<Page<Membership>> {
    const limit = pageLimit(page);
    const rows = this.page.all({ org: organizationId, cursor: page.cursor ?? null, limit: limit + 1 });
    return toPage(rows, limit, codec.fromRow, (m) => m.id);
  }

  /** oldest membership first */
  async listByUser(userId: string): Promise<Membership[]> {
    return this.byUser.all(userId).map(codec.fromRow);
  }

  async setRoles(organizationId: string, userId: string, roles: string[]): Promise<Membership | null> {
    return patchRow(this.db, codec, () => this.byPair.get(organizationId, userId), (row) => this.write.run(row), { roles });
  }

  async delete(organizationId: string, userId: string): Promise<boolean> {
    return this.remove.run(organizationId, userId).changes > 0;
  }
}
