import type { Logger } from 'pino';
import type { Store } from '../ports.js';
import { MongoApiKeys } from './api-keys.js';
import { MongoAudit } from './audit.js';
import { MongoClients } from './clients.js';
import { MongoConsoleSessions } from './console-sessions.js';
import { openConnection } from './connection.js';
import { MongoMemberships } from './memberships.js';
import { MongoOidcPayloads } from './oidc-payloads.js';
import { MongoOrganizations } from './organizations.js';
import { MongoRateLimits } from './rate-limits.js';
import { MongoResources } from './resources.js';
import { MongoRoles } from './roles.js';
import { MongoSigningKeys } from './signing-keys.js';
import { MongoUsage } from './usage.js';
import { MongoUsers } from './users.js';

export interface OpenMongoOptions {
  logger?: Logger;
  /** overrides the database named in the URL (the contract suite uses a fresh one per run) */
  dbName?: string;
}

/**
 * The production store: MongoDB through a dedicated mongoose connection. On open, every
 * collection and the indexes its schema declares are created (idempotent, so instances starting
 * together are fine; existing indexes are never dropped). Needs a replica set (transactions for
 * the API-key cap); TTL indexes expire oidc payloads and rate-limit windows server-side.
 */
export async function openMongoStore(url: string, options: OpenMongoOptions = {}): Promise<Store> {
  const conn = await openConnection(url, options.dbName);
  try {
    const oidc = new MongoOidcPayloads(conn);
    const rateLimits = new MongoRateLimits(conn);
    const consoleSessions = new MongoConsoleSessions(conn);
    const store: Store = {
      kind: 'mongo',
      organizations: new MongoOrganizations(conn),
      users: new MongoUsers(conn),
      memberships: new MongoMemberships(conn),
      roles: new MongoRoles(conn),
      resources: new MongoResources(conn),
      clients: new MongoClients(conn),
      signingKeys: new MongoSigningKeys(conn),
      oidc,
      apiKeys: new MongoApiKeys(conn),
      usage: new MongoUsage(conn),
      audit: new MongoAudit(conn),
      rateLimits,
      consoleSessions,
      async ping() {
        if (!conn.db) throw new Error('MongoDB connection is not open');
        await conn.db.command({ ping: 1 });
      },
      /** TTL indexes do this within a minute anyway; an explicit sweep just does it now. */
      async sweepExpired(now: Date) {
        await oidc.model.deleteMany({ expiresAt: { $ne: null, $lte: now } });
        await rateLimits.model.deleteMany({ expiresAt: { $lte: now } });
        await consoleSessions.model.deleteMany({ expiresAt: { $lte: now } });
      },
      async close() {
        await conn.close();
      },
    };
    for (const model of Object.values(conn.models)) {
      await model.createCollection();
      await model.createIndexes();
    }
    options.logger?.debug({ store: 'mongo', db: conn.name }, 'store opened');
    return store;
  } catch (err) {
    await conn.close().catch(() => {});
    throw err;
  }
}
