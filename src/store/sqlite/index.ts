import type { Store, StoreMigrations } from '../ports.js';
import { OUTBOX_RETENTION_MS } from '../outbox-retention.js';
import { SqliteAccountTokens } from './account-tokens.js';
import { SqliteApiKeys } from './api-keys.js';
import { SqliteAppConnections } from './app-connections.js';
import { SqliteAudit } from './audit.js';
import { SqliteClients } from './clients.js';
import { SqliteFactors } from './factors.js';
import { SqliteInvitations } from './invitations.js';
import { SqliteMailOutbox } from './mail-outbox.js';
import { SqliteConsoleSessions } from './console-sessions.js';
import { openDatabase, type OpenDatabaseOptions } from './database.js';
import { SqliteMemberships } from './memberships.js';
import { SqliteOidcPayloads } from './oidc-payloads.js';
import { SqliteOrganizations } from './organizations.js';
import { SqlitePermissionHolders } from './permission-holders.js';
import { SqliteRateLimits } from './rate-limits.js';
import { SqliteRecoveryCodes } from './recovery-codes.js';
import { SqliteResources } from './resources.js';
import { SqliteResourceBindings } from './resource-bindings.js';
import { SqliteRoles } from './roles.js';
import { SqliteScimTokens } from './scim-tokens.js';
import { SqliteScimUsers } from './scim-users.js';
import { SqliteSealedValues } from './sealed-values.js';
import { SqliteEmailDomains } from './email-domains.js';
import { SqliteSsoConnections } from './sso-connections.js';
import { SqliteMigrations } from './migrate.js';
import { SqliteSigningKeys } from './signing-keys.js';
import { SqliteSingleUse } from './single-use.js';
import { SqliteUsage } from './usage.js';
import { SqliteMetering } from './metering.js';
import { SqliteUsers } from './users.js';
import { SqliteEvents } from './events.js';
import { SqliteJobLeases } from './job-leases.js';
import { SqliteWebhookDeliveries } from './webhook-deliveries.js';
import { SqliteWebhookEndpoints } from './webhook-endpoints.js';

/**
 * The embedded store: one SQLite file (or `:memory:`), migrated on open. Safe for several
 * processes sharing the file (WAL, busy timeout, `BEGIN IMMEDIATE` for read-modify-writes).
 */
export function openSqliteStore(options: OpenDatabaseOptions): Store {
  const db = openDatabase(options);
  const migrations = new SqliteMigrations(db);
  try {
    migrations.applyNow();
  } catch (err) {
    db.close();
    throw err;
  }
  const sweepOidc = db.prepare('DELETE FROM oidc_payloads WHERE expires_at IS NOT NULL AND expires_at <= ?');
  const sweepRates = db.prepare('DELETE FROM rate_limits WHERE expires_at <= ?');
  const sweepSingleUse = db.prepare('DELETE FROM single_use WHERE expires_at <= ?');
  const sweepFlushes = db.prepare('DELETE FROM usage_flushes WHERE expires_at <= ?');
  const sweepEvents = db.prepare('DELETE FROM events WHERE dispatched_at IS NOT NULL AND dispatched_at <= ?');
  const sweepDeliveries = db.prepare('DELETE FROM webhook_deliveries WHERE completed_at IS NOT NULL AND completed_at <= ?');
  const sweepAccountTokens = db.prepare('DELETE FROM account_tokens WHERE expires_at <= ?');
  const ping = db.prepare('SELECT 1');
  const mailOutbox = new SqliteMailOutbox(db);
  const sweepConsoleSessions = db.prepare('DELETE FROM console_sessions WHERE expires_at <= ?');
  const audit = new SqliteAudit(db);
  const webhookDeliveries = new SqliteWebhookDeliveries(db);
  const events = new SqliteEvents(db, audit, (d) => webhookDeliveries.insertNow(d));
  return {
    kind: 'sqlite',
    organizations: new SqliteOrganizations(db),
    users: new SqliteUsers(db),
    memberships: new SqliteMemberships(db, events),
    roles: new SqliteRoles(db),
    resources: new SqliteResources(db),
    resourceBindings: new SqliteResourceBindings(db),
    permissionHolders: new SqlitePermissionHolders(db),
    clients: new SqliteClients(db),
    appConnections: new SqliteAppConnections(db, events),
    signingKeys: new SqliteSigningKeys(db),
    oidc: new SqliteOidcPayloads(db, events),
    apiKeys: new SqliteApiKeys(db, events),
    usage: new SqliteUsage(db),
    metering: new SqliteMetering(db),
    audit,
    rateLimits: new SqliteRateLimits(db),
    singleUse: new SqliteSingleUse(db),
    invitations: new SqliteInvitations(db, events),
    mailOutbox,
    events,
    webhookEndpoints: new SqliteWebhookEndpoints(db, events),
    webhookDeliveries,
    jobLeases: new SqliteJobLeases(db),
    accountTokens: new SqliteAccountTokens(db),
    factors: new SqliteFactors(db),
    recoveryCodes: new SqliteRecoveryCodes(db),
    migrations,
    consoleSessions: new SqliteConsoleSessions(db),
    scimTokens: new SqliteScimTokens(db),
    scimUsers: new SqliteScimUsers(db),
    sealedValues: new SqliteSealedValues(db),
    ssoConnections: new SqliteSsoConnections(db),
    emailDomains: new SqliteEmailDomains(db),
    async ping() {
      ping.get();
    },
    async sweepExpired(now: Date) {
      db.transaction(() => {
        sweepOidc.run(now.getTime());
        sweepRates.run(now.getTime());
        sweepSingleUse.run(now.getTime());
        mailOutbox.sweep(now);
        sweepFlushes.run(now.getTime());
        sweepConsoleSessions.run(now.getTime());
        sweepEvents.run(now.getTime() - OUTBOX_RETENTION_MS);
        sweepDeliveries.run(now.getTime() - OUTBOX_RETENTION_MS);
        sweepAccountTokens.run(now.getTime());
      }).immediate();
    },
    async close() {
      if (db.open) db.close();
    },
  };
}

/**
 * Only the migrations of a SQLite file, without migrating it (`gatehouse migrate`): the ports
 * are not built, since they expect the latest schema.
 */
export function openSqliteMigrations(options: OpenDatabaseOptions): StoreMigrations {
  const db = openDatabase(options);
  const migrations = new SqliteMigrations(db);
  return {
    status: () => migrations.status(),
    apply: () => migrations.apply(),
    async close() {
      if (db.open) db.close();
    },
  };
}
