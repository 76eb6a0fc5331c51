import type { Connection, Model } from 'mongoose';
import type { PermissionHolderStore, RemovedPermissions } from '../ports.js';
import { inTransaction } from './transactions.js';

type Holder = Model<{ _id: string; organizationId: string | null; permissions: string[]; updatedAt: Date }>;

/**
 * Takes permissions away from roles, API keys, clients and SCIM tokens in MongoDB: one `$pull` per
 * collection, inside one transaction (all or nothing, and no reader sees half of it).
 */
export class MongoPermissionHolders implements PermissionHolderStore {
  constructor(private readonly conn: Connection, private readonly models: { roles: Holder; apiKeys: Holder; clients: Holder; scimTokens: Holder }) {}

  async remove(organizationIds: readonly string[] | null, permissions: readonly string[], at: Date): Promise<RemovedPermissions> {
    if (!permissions.length || organizationIds?.length === 0) return { roles: 0, apiKeyIds: [], clients: 0, scimTokens: 0 };
    const filter: Record<string, unknown> = { permissions: { $in: [...permissions] } };
    if (organizationIds !== null) filter.organizationId = { $in: [...organizationIds] };
    const update = { $pull: { permissions: { $in: [...permissions] } }, $set: { updatedAt: at } };
    return inTransaction(this.conn, async (session) => {
      const pull = async (model: Holder) => {
        const ids = (await model.find(filter, { _id: 1 }, { session }).lean<Array<{ _id: string }>>()).map((d) => d._id);
        if (ids.length) await model.updateMany({ _id: { $in: ids } }, update, { session });
        return ids;
      };
      const roles = await pull(this.models.roles);
      const apiKeyIds = await pull(this.models.apiKeys);
      const clients = await pull(this.models.clients);
      const scimTokens = await pull(this.models.scimTokens);
      return { roles: roles.length, apiKeyIds, clients: clients.length, scimTokens: scimTokens.length };
    });
  }
}
