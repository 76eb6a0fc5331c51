import type { Resource, ResourceBinding, ResourceBindingStore } from '../ports.js';
import type { SqliteDb } from './database.js';
import { resourceCodec, type ResourceRow } from './resources.js';
import { date } from './rows.js';

interface Row { resource_id: string; client_id: string; created_at: number }

/** Resource-server bindings in SQLite (`resource_bindings`, one row per resource and client). */
export class SqliteResourceBindings implements ResourceBindingStore {
  private readonly insert;
  private readonly remove;
  private readonly ofResource;
  private readonly ofClient;

  constructor(db: SqliteDb) {
    this.insert = db.prepare('INSERT INTO resource_bindings (resource_id, client_id, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING');
    this.remove = db.prepare('DELETE FROM resource_bindings WHERE resource_id = ? AND client_id = ?');
    this.ofResource = db.prepare<[string], Row>('SELECT * FROM resource_bindings WHERE resource_id = ? ORDER BY created_at, client_id');
    this.ofClient = db.prepare<[string], ResourceRow>(`SELECT r.* FROM resource_bindings b JOIN resources r ON r.id = b.resource_id
      WHERE b.client_id = ? ORDER BY r.id`);
  }

  async bind(b: ResourceBinding): Promise<boolean> {
    return this.insert.run(b.resourceId, b.clientId, b.createdAt.getTime()).changes > 0;
  }

  async unbind(resourceId: string, clientId: string): Promise<boolean> {
    return this.remove.run(resourceId, clientId).changes > 0;
  }

  async clientsOf(resourceId: string): Promise<ResourceBinding[]> {
    return this.ofResource.all(resourceId).map((r) => ({ resourceId: r.resource_id, clientId: r.client_id, createdAt: date(r.created_at) }));
  }

  async resourcesOf(clientId: string): Promise<Resource[]> {
    return this.ofClient.all(clientId).map(resourceCodec.fromRow);
  }
}
