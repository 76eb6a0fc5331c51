import type { Connection } from 'mongoose';
import type { Logger } from 'pino';
import type { Store, StoreMigrations } from '../ports.js';
import { OUTBOX_RETENTION_MS } from '../outbox-retention.js';
import { MongoAccountTokens } from './account-tokens.js';
import { MongoApiKeys } from './api-keys.js';
import { MongoAppConnections } from './app-connections.js';
import { MongoAudit } from './audit.js';
import { MongoClients } from './clients.js';
import { MongoFactors } from './factors.js';
import { MongoInvitations } from './invitations.js';
import { MongoMailOutbox } from './mail-outbox.js';
import { MongoConsoleSessions } from './console-sessions.js';
import { openConnection } from './connection.js';
import { MongoMemberships } from './memberships.js';
import { MongoMigrations } from './migrate.js';
import { MongoOidcPayloads } from './oidc-payloads.js';
import { MongoOrganizations } from './organizations.js';
import { MongoPermissionHolders } from './permission-holders.js';
import { MongoRateLimits } from './rate-limits.js';
import { MongoRecoveryCodes } from './recovery-codes.js';
import { MongoResources } from './resources.js';
import { MongoResourceBindings } from './resource-bindings.js';
import { MongoRoles } from './roles.js';
import { MongoScimTokens } from './scim-tokens.js';
import { MongoScimUsers } from './scim-users.js';
import { MongoSealedValues } from './sealed-values.js';
import { MongoEmailDomains } from './email-domains.js';
import { MongoSsoConnections } from './sso-connections.js';
import { MongoSigningKeys } from './signing-keys.js';
import { MongoSingleUse } from './single-use.js';
import { assertSupportedServer } from './topology.js';
import { MongoUsage } from './usage.js';
import { MongoMetering } from './metering.js';
import { MongoUsers } from './users.js';
import { MongoEvents } from './events.js';
import { MongoJobLeases } from './job-leases.js';
import { MongoWebhookDeliveries } from './webhook-deliveries.js';
import { MongoWebhookEndpoints } from './webhook-endpoints.js';

export interface OpenMongoOptions {
  logger?: Logger;
  /** overrides the database named in the URL (the contract suite uses a fresh one per run) */
  dbName?: string;
  /** the time budget of one operation (config `store.timeoutMs`, default 5000): see connection.ts */
  timeoutMs?: number;
}

/** Connects, checks the server can hold Gatehouse's data, and builds the ports (touching no data). */
async function connect(url: string, options: OpenMongoOptions): Promise<Store> {
  const timeoutMs = options.timeoutMs ?? 5000;
  const conn = await openConnection(url, { dbName: options.dbName, timeoutMs });
  try {
    await assertSupportedServer(conn);
    return buildStore(conn, new MongoMigrations({
      conn,
      openLongRunning: () => openConnection(url, { dbName: options.dbName, timeoutMs, longRunning: true }),
      logger: options.logger,
    }));
  } catch (err) {
    await conn.close().catch(() => {});
    throw err;
  }
}

function buildStore(conn: Connection, migrations: MongoMigrations): Store {
  const audit = new MongoAudit(conn);
  const webhookDeliveries = new MongoWebhookDeliveries(conn);
  const events = new MongoEvents(conn, audit, webhookDeliveries);
  const oidc = new MongoOidcPayloads(conn, events);
  const rateLimits = new MongoRateLimits(conn);
  const usage = new MongoUsage(conn);
  const consoleSessions = new MongoConsoleSessions(conn);
  const roles = new MongoRoles(conn);
  const apiKeys = new MongoApiKeys(conn, events);
  const clients = new MongoClients(conn);
  const scimTokens = new MongoScimTokens(conn);
  type Holder = ConstructorParameters<typeof MongoPermissionHolders>[1]['roles'];
  const singleUse = new MongoSingleUse(conn);
  const accountTokens = new MongoAccountTokens(conn);
  const resources = new MongoResources(conn);
  return {
    kind: 'mongo',
    organizations: new MongoOrganizations(conn),
    users: new MongoUsers(conn),
    memberships: new MongoMemberships(conn, events),
    roles,
    resources,
    resourceBindings: new MongoResourceBindings(conn, resources),
    permissionHolders: new MongoPermissionHolders(conn, {
      roles: roles.model as unknown as Holder, apiKeys: apiKeys.model as unknown as Holder, clients: clients.model as unknown as Holder,
      scimTokens: scimTokens.model as unknown as Holder,
    }),
    clients,
    appConnections: new MongoAppConnections(conn, events),
    signingKeys: new MongoSigningKeys(conn),
    oidc,
    apiKeys,
    usage,
    metering: new MongoMetering(conn, usage),
    audit,
    rateLimits,
    singleUse,
    invitations: new MongoInvitations(conn, events),
    mailOutbox: new MongoMailOutbox(conn),
    consoleSessions,
    events,
    webhookEndpoints: new MongoWebhookEndpoints(conn, events),
    webhookDeliveries,
    jobLeases: new MongoJobLeases(conn),
    accountTokens,
    factors: new MongoFactors(conn),
    recoveryCodes: new MongoRecoveryCodes(conn),
    scimTokens,
    scimUsers: new MongoScimUsers(conn),
    sealedValues: new MongoSealedValues(conn),
    ssoConnections: new MongoSsoConnections(conn),
    emailDomains: new MongoEmailDomains(conn),
    migrations,
    async ping() {
      if (!conn.db) throw new Error('MongoDB connection is not open');
      await conn.db.command({ ping: 1 });
    },
    /** TTL indexes do this within a minute anyway; an explicit sweep just does it now. */
    async sweepExpired(now: Date) {
      await oidc.model.deleteMany({ expiresAt: { $ne: null, $lte: now } });
      await rateLimits.model.deleteMany({ expiresAt: { $lte: now } });
      await usage.flushes.deleteMany({ expiresAt: { $lte: now } });
      await consoleSessions.model.deleteMany({ expiresAt: { $lte: now } });
      await singleUse.model.deleteMany({ expiresAt: { $lte: now } });
      const kept = new Date(now.getTime() - OUTBOX_RETENTION_MS);
      await events.model.deleteMany({ dispatchedAt: { $ne: null, $lte: kept } });
      await webhookDeliveries.model.deleteMany({ completedAt: { $ne: null, $lte: kept } });
      await accountTokens.model.deleteMany({ expiresAt: { $lte: now } });
    },
    async close() {
      await conn.close();
    },
  };
}

/**
 * The production store: MongoDB (5.0 or newer, a replica set or mongos) through a dedicated
 * mongoose connection. On open the server is checked (topology.ts) and the schema migrated
 * (migrate.ts: versioned steps and every declared collection and index, under a lock, so
 * instances starting together are fine). TTL indexes expire oidc payloads, rate-limit buckets,
 * usage-flush ids, single-use claims, dispatched events and settled webhook deliveries server-side.
 */
export async function openMongoStore(url: string, options: OpenMongoOptions = {}): Promise<Store> {
  const store = await connect(url, options);
  try {
    await store.migrations.apply();
  } catch (err) {
    await store.close().catch(() => {});
    throw err;
  }
  options.logger?.debug({ store: 'mongo' }, 'store opened');
  return store;
}

/** Only the migrations of a MongoDB database, migrating nothing until `apply` (`gatehouse migrate`). */
export async function openMongoMigrations(url: string, options: OpenMongoOptions = {}): Promise<StoreMigrations> {
  const store = await connect(url, options);
  return { status: () => store.migrations.status(), apply: () => store.migrations.apply(), close: () => store.close() };
}
