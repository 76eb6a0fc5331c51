import type { PermissionHolderStore, RemovedPermissions } from '../ports.js';
import type { SqliteDb } from './database.js';
import { json, parse } from './rows.js';

/** The tables whose rows hold a `permissions` JSON list, and their key column. */
const HOLDERS = [
  { table: 'roles', key: 'id' },
  { table: 'api_keys', key: 'id' },
  { table: 'clients', key: 'client_id' },
  { table: 'scim_tokens', key: 'id' },
] as const;

type Params = { all: number; orgs: string; names: string };

/**
 * Takes permissions away from roles, API keys, clients and SCIM tokens in SQLite: the rows holding any of
 * them are found with `json_each` and rewritten, all inside one `BEGIN IMMEDIATE` transaction.
 */
export class SqlitePermissionHolders implements PermissionHolderStore {
  private readonly statements;

  constructor(private readonly db: SqliteDb) {
    this.statements = HOLDERS.map(({ table, key }) => ({
      table,
      holding: db.prepare<[Params], { key: string; permissions: string }>(`SELECT ${key} AS key, permissions FROM ${table} t
        WHERE (@all = 1 OR t.organization_id IN (SELECT value FROM json_each(@orgs)))
        AND EXISTS (SELECT 1 FROM json_each(t.permissions) p WHERE p.value IN (SELECT value FROM json_each(@names)))`),
      write: db.prepare(`UPDATE ${table} SET permissions = ?, updated_at = ? WHERE ${key} = ?`),
    }));
  }

  async remove(organizationIds: readonly string[] | null, permissions: readonly string[], at: Date): Promise<RemovedPermissions> {
    const removed: RemovedPermissions = { roles: 0, apiKeyIds: [], clients: 0, scimTokens: 0 };
    if (!permissions.length || organizationIds?.length === 0) return removed;
    const params: Params = { all: organizationIds === null ? 1 : 0, orgs: json(organizationIds ?? []), names: json(permissions) };
    const gone = new Set(permissions);
    this.db.transaction(() => {
      for (const { table, holding, write } of this.statements) {
        const rows = holding.all(params);
        for (const row of rows) write.run(json(parse<string[]>(row.permissions).filter((p) => !gone.has(p))), at.getTime(), row.key);
        if (table === 'roles') removed.roles = rows.length;
        else if (table === 'clients') removed.clients = rows.length;
        else if (table === 'scim_tokens') removed.scimTokens = rows.length;
        else removed.apiKeyIds = rows.map((r) => r.key);
      }
    }).immediate();
    return removed;
  }
}
