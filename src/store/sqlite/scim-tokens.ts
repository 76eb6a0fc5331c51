import type { Page, PageRequest, ScimTokenRecord, ScimTokenStore } from '../ports.js';
import type { SqliteDb } from './database.js';
import { date, fromMs, json, pageLimit, parse, rethrowUnique, toMs, toPage, type RowCodec } from './rows.js';

interface Row {
  id: string; organization_id: string; name: string; digest: string; start: string; permissions: string; created_by: string;
  created_at: number; updated_at: number; expires_at: number | null; revoked_at: number | null; last_used_at: number | null;
}

const codec: RowCodec<Row, ScimTokenRecord> = {
  fromRow: (r) => ({
    id: r.id, organizationId: r.organization_id, name: r.name, digest: r.digest, start: r.start,
    permissions: parse<string[]>(r.permissions), createdBy: r.created_by, createdAt: date(r.created_at),
    updatedAt: date(r.updated_at), expiresAt: fromMs(r.expires_at), revokedAt: fromMs(r.revoked_at), lastUsedAt: fromMs(r.last_used_at),
  }),
  toRow: (t) => ({
    id: t.id, organization_id: t.organizationId, name: t.name, digest: t.digest, start: t.start, permissions: json(t.permissions),
    created_by: t.createdBy, created_at: t.createdAt.getTime(), updated_at: t.updatedAt.getTime(), expires_at: toMs(t.expiresAt),
    revoked_at: toMs(t.revokedAt), last_used_at: toMs(t.lastUsedAt),
  }),
};

const COLUMNS = ['id', 'organization_id', 'name', 'digest', 'start', 'permissions', 'created_by', 'created_at', 'updated_at',
  'expires_at', 'revoked_at', 'last_used_at'];

/** SCIM tokens in SQLite; revoking is one conditional UPDATE (compare-and-set). */
export class SqliteScimTokens implements ScimTokenStore {
  private readonly insert;
  private readonly byId;
  private readonly byDigest;
  private readonly page;
  private readonly markRevoked;
  private readonly markUsed;

  constructor(db: SqliteDb) {
    this.insert = db.prepare(`INSERT INTO scim_tokens (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map((c) => `@${c}`).join(', ')})`);
    this.byId = db.prepare<[string, string], Row>('SELECT * FROM scim_tokens WHERE organization_id = ? AND id = ?');
    this.byDigest = db.prepare<[string], Row>('SELECT * FROM scim_tokens WHERE digest = ?');
    this.page = db.prepare<[{ org: string; cursor: string | null; limit: number }], Row>(`SELECT * FROM scim_tokens
      WHERE organization_id = @org AND (@cursor IS NULL OR id < @cursor) ORDER BY id DESC LIMIT @limit`);
    this.markRevoked = db.prepare('UPDATE scim_tokens SET revoked_at = @at, updated_at = @at WHERE id = @id AND revoked_at IS NULL');
    this.markUsed = db.prepare(`UPDATE scim_tokens SET last_used_at = @at WHERE id = @id AND (last_used_at IS NULL OR last_used_at < @at)`);
  }

  async create(token: ScimTokenRecord): Promise<void> {
    try {
      this.insert.run(codec.toRow(token));
    } catch (err) {
      rethrowUnique(err, { digest: 'digest', id: 'id' });
    }
  }

  async findById(organizationId: string, id: string): Promise<ScimTokenRecord | null> {
    const row = this.byId.get(organizationId, id);
    return row ? codec.fromRow(row) : null;
  }

  async findByDigest(digest: string): Promise<ScimTokenRecord | null> {
    const row = this.byDigest.get(digest);
    return row ? codec.fromRow(row) : null;
  }

  async list(organizationId: string, page: PageRequest): Promise<Page<ScimTokenRecord>> {
    const limit = pageLimit(page);
    const rows = this.page.all({ org: organizationId, cursor: page.cursor ?? null, limit: limit + 1 });
    return toPage(rows, limit, codec.fromRow, (t) => t.id);
  }

  async revoke(id: string, at: Date): Promise<boolean> {
    return this.markRevoked.run({ id, at: at.getTime() }).changes === 1;
  }

  async touch(id: string, at: Date): Promise<void> {
    this.markUsed.run({ id, at: at.getTime() });
  }
}
