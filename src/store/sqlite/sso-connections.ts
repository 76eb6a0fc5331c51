import type { SsoConnection, SsoConnectionStore } from '../ports.js';
import type { SqliteDb } from './database.js';
import { date, definedPatch, rethrowUnique, type RowCodec } from './rows.js';

interface Row {
  organization_id: string; issuer: string; client_id: string; sealed_client_secret: string; default_role: string;
  required: number; created_by: string; version: number; created_at: number; updated_at: number;
}

const codec: RowCodec<Row, SsoConnection> = {
  fromRow: (r) => ({
    organizationId: r.organization_id, issuer: r.issuer, clientId: r.client_id, sealedClientSecret: r.sealed_client_secret,
    defaultRole: r.default_role, required: r.required === 1, createdBy: r.created_by, version: r.version,
    createdAt: date(r.created_at), updatedAt: date(r.updated_at),
  }),
  toRow: (c) => ({
    organization_id: c.organizationId, issuer: c.issuer, client_id: c.clientId, sealed_client_secret: c.sealedClientSecret,
    default_role: c.defaultRole, required: c.required ? 1 : 0, created_by: c.createdBy, version: c.version,
    created_at: c.createdAt.getTime(), updated_at: c.updatedAt.getTime(),
  }),
};

const COLUMNS = ['organization_id', 'issuer', 'client_id', 'sealed_client_secret', 'default_role', 'required', 'created_by',
  'version', 'created_at', 'updated_at'];

/** Organizations' identity providers in SQLite, one row per organization; updates are compare-and-set on `version`. */
export class SqliteSsoConnections implements SsoConnectionStore {
  private readonly insert;
  private readonly byOrg;
  private readonly write;
  private readonly remove;
  private readonly first;

  constructor(private readonly db: SqliteDb) {
    this.insert = db.prepare(`INSERT INTO sso_connections (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map((c) => `@${c}`).join(', ')})`);
    this.byOrg = db.prepare<[string], Row>('SELECT * FROM sso_connections WHERE organization_id = ?');
    this.write = db.prepare(`UPDATE sso_connections SET ${COLUMNS.filter((c) => c !== 'organization_id').map((c) => `${c} = @${c}`).join(', ')}
      WHERE organization_id = @organization_id AND version = @expected`);
    this.remove = db.prepare('DELETE FROM sso_connections WHERE organization_id = ?');
    this.first = db.prepare('SELECT 1 FROM sso_connections LIMIT 1').pluck();
  }

  async create(connection: SsoConnection): Promise<void> {
    try {
      this.insert.run(codec.toRow(connection));
    } catch (err) {
      rethrowUnique(err, { organization_id: 'organization_id' });
    }
  }

  async find(organizationId: string): Promise<SsoConnection | null> {
    const row = this.byOrg.get(organizationId);
    return row ? codec.fromRow(row) : null;
  }

  async update(organizationId: string, expectedVersion: number, patch: Partial<SsoConnection>): Promise<SsoConnection | null> {
    return this.db.transaction(() => {
      const row = this.byOrg.get(organizationId);
      if (!row || row.version !== expectedVersion) return null;
      const next = { ...codec.fromRow(row), ...definedPatch(patch), organizationId, version: expectedVersion + 1 };
      if (this.write.run({ ...codec.toRow(next), expected: expectedVersion }).changes !== 1) return null;
      return codec.fromRow(this.byOrg.get(organizationId)!);
    }).immediate();
  }

  async delete(organizationId: string): Promise<boolean> {
    return this.remove.run(organizationId).changes === 1;
  }

  async any(): Promise<boolean> {
    return this.first.get() !== undefined;
  }
}
