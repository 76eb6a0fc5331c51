import type { Store } from '../../src/store/ports.js';
import { accountsContract } from './aggregates/accounts.js';
import { apiKeysContract } from './aggregates/api-keys.js';
import { appConnectionsContract } from './aggregates/app-connections.js';
import { auditContract } from './aggregates/audit.js';
import { clientsContract, signingKeysContract } from './aggregates/clients-and-keys.js';
import { invitationsContract } from './aggregates/invitations.js';
import { consoleSessionsContract } from './aggregates/console-sessions.js';
import { keyAttributesContract } from './aggregates/key-attributes.js';
import { keyRotationContract } from './aggregates/key-rotation.js';
import { lifecycleContract } from './aggregates/lifecycle.js';
import { mailOutboxContract } from './aggregates/mail-outbox.js';
import { migrationsContract } from './aggregates/migrations.js';
import { membershipsRolesResourcesContract } from './aggregates/memberships-roles-resources.js';
import { oidcContract } from './aggregates/oidc.js';
import { permissionHoldersContract } from './aggregates/permission-holders.js';
import { organizationsAndUsersContract } from './aggregates/organizations-and-users.js';
import { resourceBindingsContract } from './aggregates/resource-bindings.js';
import { rateLimitsContract } from './aggregates/rate-limits.js';
import { singleUseContract } from './aggregates/single-use.js';
import { sealedValuesContract } from './aggregates/sealed-values.js';
import { scimTokensContract, scimUsersContract } from './aggregates/scim.js';
import { emailDomainsContract, ssoConnectionsContract } from './aggregates/sso.js';
import { usageContract } from './aggregates/usage.js';
import { meteringContract } from './aggregates/metering.js';
import { eventsContract } from './aggregates/events.js';
import { keyRemindersContract } from './aggregates/key-reminders.js';
import { jobLeasesContract, webhookDeliveriesContract, webhookEndpointsContract } from './aggregates/webhooks.js';

/** One opened backend: the store under test and, where the backend allows, a second connection to the same data. */
export interface OpenedStore {
  store: Store;
  /** another connection to the same data (another "instance"), for concurrency tests */
  peer?: Store;
  /** closes both and removes the data (temp file, database) */
  dispose(): Promise<void>;
}

export type StoreFactory = () => Promise<OpenedStore>;

/** What an aggregate's contract gets: the store of the current describe block, opened fresh for it. */
export interface StoreContext {
  readonly store: Store;
  /** a second connection when the backend has one, else the same store */
  readonly peer: Store;
}

/** Opens a fresh backend for the enclosing describe block and disposes of it afterwards. */
export function useStore(factory: StoreFactory): StoreContext {
  let opened: OpenedStore | undefined;
  beforeAll(async () => {
    opened = await factory();
  });
  afterAll(async () => {
    await opened?.dispose();
  });
  return {
    get store() {
      if (!opened) throw new Error('store not opened');
      return opened.store;
    },
    get peer() {
      if (!opened) throw new Error('store not opened');
      return opened.peer ?? opened.store;
    },
  };
}

/**
 * The store contract: every port method, the same expectations for every adapter. Each aggregate
 * runs against its own freshly opened backend, so their data never meet.
 */
export function describeStoreContract(name: string, factory: StoreFactory): void {
  describe(`${name} store contract`, () => {
    describe('organizations and users', () => organizationsAndUsersContract(useStore(factory)));
    describe('memberships, roles and resources', () => membershipsRolesResourcesContract(useStore(factory)));
    describe('resource-server bindings', () => resourceBindingsContract(useStore(factory)));
    describe('permission holders', () => permissionHoldersContract(useStore(factory)));
    describe('clients', () => clientsContract(useStore(factory)));
    describe('app connections', () => appConnectionsContract(useStore(factory)));
    describe('signing keys', () => signingKeysContract(useStore(factory)));
    describe('oidc payloads', () => oidcContract(useStore(factory)));
    describe('api keys', () => apiKeysContract(useStore(factory)));
    describe('api key rotation', () => keyRotationContract(useStore(factory)));
    describe('api key metadata, disabling and organization key settings', () => keyAttributesContract(useStore(factory)));
    describe('usage', () => usageContract(useStore(factory)));
    describe('metering', () => meteringContract(useStore(factory)));
    describe('audit', () => auditContract(useStore(factory)));
    describe('rate limits', () => rateLimitsContract(useStore(factory)));
    describe('single-use claims', () => singleUseContract(useStore(factory)));
    describe('invitations', () => invitationsContract(useStore(factory)));
    describe('mail outbox', () => mailOutboxContract(useStore(factory)));
    describe('accounts', () => accountsContract(useStore(factory)));
    describe('lifecycle', () => lifecycleContract(useStore(factory)));
    describe('migrations', () => migrationsContract(useStore(factory)));
    describe('console sessions', () => consoleSessionsContract(useStore(factory)));
    describe('events outbox', () => eventsContract(useStore(factory)));
    describe('api key reminders', () => keyRemindersContract(useStore(factory)));
    describe('webhook endpoints', () => webhookEndpointsContract(useStore(factory)));
    describe('webhook deliveries', () => webhookDeliveriesContract(useStore(factory)));
    describe('job leases', () => jobLeasesContract(useStore(factory)));
    describe('SCIM tokens', () => scimTokensContract(useStore(factory)));
    describe('SCIM users', () => scimUsersContract(useStore(factory)));
    describe('sealed values and digests (secrets rewrap)', () => sealedValuesContract(useStore(factory)));
    describe('SSO connections', () => ssoConnectionsContract(useStore(factory)));
    describe('email domains', () => emailDomainsContract(useStore(factory)));
  });
}
