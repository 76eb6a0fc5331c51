import type { Page, PageRequest, Role, RoleStore } from '../ports.js';
import type { SqliteDb } from './database.js';
import { date, json, pageLimit, parse, patchRow, rethrowUnique, toPage, type RowCodec } from './rows.js';

interface Row {
  id: string; organization_id: string; name: string; description: string | null; permissions: string;
  created_at: number; updated_at: number;
}

const codec: RowCodec<Row, Role> = {
  fromRow: (r) => ({
    id: r.id, organizationId: r.organization_id, name: r.name, description: r.description,
    permissions: parse<string[]>(r.permissions), createdAt: date(r.created_at), updatedAt: date(r.updated_at),
  }),
  toRow: (r) => ({
    id: r.id, organization_id: r.organizationId, name: r.name, description: r.description,
    permissions: json(r.permissions), created_at: r.createdAt.getTime(), updated_at: r.updatedAt.getTime(),
  }),
};

/** Custom roles of an organization in SQLite; names are unique per organization. */
export class SqliteRoles implements RoleStore {
  private readonly insert;
  private readonly byId;
  private readonly byName;
  private readonly page;
  private readonly write;
  private readonly remove;

  constructor(private readonly db: SqliteDb) {
    this.insert = db.prepare(`INSERT INTO roles (id, organization_id, name, description, permissions, created_at, updated_at)
      VALUES (@id, @organization_id, @name, @description, @permissions, @created_at, @updated_at)`);
    this.byId = db.prepare<[string, string], Row>('SELECT * FROM roles WHERE organization_id = ? AND id = ?');
    this.byName = db.prepare<[string, string], Row>('SELECT * FROM roles WHERE organization_id = ? AND name = ?');
    this.page = db.prepare<[{ org: string; cursor: string | null; limit: number }], Row>(`SELECT * FROM roles
      WHERE organization_id = @org AND (@cursor IS NULL OR id < @cursor) ORDER BY id DESC LIMIT @limit`);
    this.write = db.prepare('UPDATE roles SET description = @description, permissions = @permissions, updated_at = @updated_at WHERE id = @id');
    this.remove = db.prepare('DELETE FROM roles WHERE organization_id = ? AND id = ?');
  }

  async create(role: Role): Promise<void> {
    try {
      this.insert.run(codec.toRow(role));
    } catch (err) {
      rethrowUnique(err, { 'organization_id,name': 'name', id: 'id' });
    }
  }

  async findById(organizationId: string, id: string): Promise<Role | null> {
    const row = this.byId.get(organizationId, id);
    return row ? codec.fromRow(row) : null;
  }

  async findByName(organizationId: string, name: string): Promise<Role | null> {
    const row = this.byName.get(organizationId, name);
    return row ? codec.fromRow(row) : null;
  }

  async list(organizationId: string, page: PageRequest): Promise<Page<Role>> {
    const limit = pageLimit(page);
    const rows = this.page.all({ org: organizationId, cursor: page.cursor ?? null, limit: limit + 1 });
    return toPage(rows, limit, codec.fromRow, (r) => r.id);
  }

  async update(organizationId: string, id: string, patch: Partial<Pick<Role, 'description' | 'permissions' | 'updatedAt'>>): Promise<Role | null> {
    return patchRow(this.db, codec, () => this.byId.get(organizationId, id), (row) => this.write.run(row), patch);
  }

  async delete(organizationId: string, id: string): Promise<boolean> {
    return this.remove.run(organizationId, id).changes > 0;
  }
}
