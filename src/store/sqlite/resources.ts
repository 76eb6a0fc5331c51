import type { Page, PageRequest, Resource, ResourceStore } from '../ports.js';
import type { SqliteDb } from './database.js';
import { date, json, pageLimit, parse, patchRow, rethrowUnique, toPage, type RowCodec } from './rows.js';

export interface ResourceRow {
  id: string; organization_id: string | null; identifier: string; name: string; permissions: string;
  created_at: number; updated_at: number;
}

/** Resource rows <-> resources (also read by the bindings join). */
export const resourceCodec: RowCodec<ResourceRow, Resource> = {
  fromRow: (r) => ({
    id: r.id, organizationId: r.organization_id, identifier: r.identifier, name: r.name,
    permissions: parse<string[]>(r.permissions), createdAt: date(r.created_at), updatedAt: date(r.updated_at),
  }),
  toRow: (r) => ({
    id: r.id, organization_id: r.organizationId, identifier: r.identifier, name: r.name,
    permissions: json(r.permissions), created_at: r.createdAt.getTime(), updated_at: r.updatedAt.getTime(),
  }),
};

/** Resources (APIs that trust Gatehouse) in SQLite; identifiers are unique per deployment; platform resources have a null organization. */
export class SqliteResources implements ResourceStore {
  private readonly insert;
  private readonly byId;
  private readonly byIdentifier;
  private readonly page;
  private readonly write;
  private readonly remove;
  private readonly byNouns;

  constructor(private readonly db: SqliteDb) {
    this.insert = db.prepare(`INSERT INTO resources (id, organization_id, identifier, name, permissions, created_at, updated_at)
      VALUES (@id, @organization_id, @identifier, @name, @permissions, @created_at, @updated_at)`);
    // `IS` matches null too: the platform resources
    this.byId = db.prepare<[string | null, string], ResourceRow>('SELECT * FROM resources WHERE organization_id IS ? AND id = ?');
    this.byIdentifier = db.prepare<[string], ResourceRow>('SELECT * FROM resources WHERE identifier = ?');
    this.page = db.prepare<[{ org: string | null; cursor: string | null; limit: number }], ResourceRow>(`SELECT * FROM resources
      WHERE organization_id IS @org AND (@cursor IS NULL OR id < @cursor) ORDER BY id DESC LIMIT @limit`);
    this.write = db.prepare('UPDATE resources SET name = @name, permissions = @permissions, updated_at = @updated_at WHERE id = @id');
    this.remove = db.prepare('DELETE FROM resources WHERE organization_id IS ? AND id = ?');
    this.byNouns = db.prepare<[{ nouns: string; limit: number }], ResourceRow>(`SELECT * FROM resources r WHERE r.organization_id IS NOT NULL AND EXISTS (
      SELECT 1 FROM json_each(r.permissions) p WHERE substr(p.value, 1, instr(p.value, ':') - 1) IN (SELECT value FROM json_each(@nouns))
    ) LIMIT @limit`);
  }

  async create(resource: Resource): Promise<void> {
    try {
      this.insert.run(resourceCodec.toRow(resource));
    } catch (err) {
      rethrowUnique(err, { identifier: 'identifier', id: 'id' });
    }
  }

  async findById(organizationId: string | null, id: string): Promise<Resource | null> {
    const row = this.byId.get(organizationId, id);
    return row ? resourceCodec.fromRow(row) : null;
  }

  async findByIdentifier(identifier: string): Promise<Resource | null> {
    const row = this.byIdentifier.get(identifier);
    return row ? resourceCodec.fromRow(row) : null;
  }

  async list(organizationId: string | null, page: PageRequest): Promise<Page<Resource>> {
    const limit = pageLimit(page);
    const rows = this.page.all({ org: organizationId, cursor: page.cursor ?? null, limit: limit + 1 });
    return toPage(rows, limit, resourceCodec.fromRow, (r) => r.id);
  }

  async organizationResourcesDeclaring(nouns: readonly string[], limit: number): Promise<Resource[]> {
    if (!nouns.length) return [];
    return this.byNouns.all({ nouns: json(nouns), limit }).map(resourceCodec.fromRow);
  }

  async update(organizationId: string | null, id: string, patch: Partial<Pick<Resource, 'name' | 'permissions' | 'updatedAt'>>): Promise<Resource | null> {
    return patchRow(this.db, resourceCodec, () => this.byId.get(organizationId, id), (row) => this.write.run(row), patch);
  }

  async delete(organizationId: string | null, id: string): Promise<boolean> {
    return this.remove.run(organizationId, id).changes > 0;
  }
}
