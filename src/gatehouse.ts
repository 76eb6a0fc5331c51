import Koa from 'koa';
import type { Logger } from 'pino';
import type { Config } from './config/schema.js';
import { Secrets } from './domain/secrets.js';
import { errorBoundary } from './http/error-boundary.js';
import { requestContext, securityHeaders } from './http/edge.js';
import { createAccounts, type Accounts } from './accounts/index.js';
import { createIdentity, type Identity } from './identity/index.js';
import { createApiKeysPart } from './api-keys/index.js';
import { createConsole } from './console/index.js';
import type { ApiKeyService } from './api-keys/service.js';
import type { UsageRecorder } from './api-keys/usage-recorder.js';
import { AuditLog } from './audit/audit-log.js';
import { Events } from './events/emitter.js';
import { createMail, type MailPart } from './mail/index.js';
import { accountRoutes } from './oauth/interactions/account-routes.js';
import { invitationRoutes } from './oauth/interactions/invitation-routes.js';
import { webauthnScript } from './oauth/interactions/webauthn-script.js';
import { healthRoutes } from './ops/health.js';
import { createLogger } from './ops/logger.js';
import { Metrics } from './ops/metrics.js';
import { createOAuth, type OAuth } from './oauth/index.js';
import { createManagementApi } from './management-api/index.js';
import { createScim, type Scim } from './scim/index.js';
import { createSso, type Sso } from './sso/index.js';
import { createSecretScanning } from './secret-scanning/index.js';
import { createInProcessResourceServer, type InProcessResourceServer } from './resource-server/in-process.js';
import { apiKeyIntrospection } from './resource-server/introspection.js';
import { boundResources } from './resource-server/bindings.js';
import { resourceServerEndpoints } from './resource-server/service-endpoints.js';
import { withDeadlines } from './store/deadline.js';
import { openStore } from './store/open.js';
import type { Store } from './store/ports.js';
import { startSweeper } from './store/sweeper.js';
import { createWebhooksPart, mailedAlerts, type AlertNotifier, type WebhooksPart } from './webhooks/index.js';
import { createUsagePart, type UsagePart } from './usage/index.js';
import { usageReportEndpoint } from './usage/report-endpoint.js';

/** Everything one running Gatehouse is made of; tests build a fresh one per suite. */
export interface Gatehouse {
  config: Config;
  logger: Logger;
  metrics: Metrics;
  store: Store;
  secrets: Secrets;
  /** organizations, users, roles, resources, permissions, passwords */
  identity: Identity;
  /** sign-up, email verification, password reset and change, second factors (SPEC §7) */
  accounts: Accounts;
  /** API-key lifecycle (create, rotate, revoke…) */
  apiKeys: ApiKeyService;
  /** buffered API-key usage; the resource server calls `touch` */
  usage: UsageRecorder;
  /** metering: requests by outcome and units per organization and key, monthly quotas (SPEC §9) */
  metering: UsagePart;
  audit: AuditLog;
  /** emits events (SPEC §9): outbox for webhooks, audit log */
  events: Events;
  /** webhook endpoints, deliveries, the delivery worker and the API-key reminder sweep */
  webhooks: WebhooksPart;
  /** mail through the stored outbox: `mail.mailer.send(…)`; `mail.worker` delivers */
  mail: MailPart;
  /** the OAuth 2.0 / OpenID Connect server: provider, clients, signing keys */
  oauth: OAuth;
  /** SCIM provisioning: `scim.tokens` (management API) and the `/scim/v2` service provider */
  scim: Scim;
  /** single sign-on: organizations' identity providers, their email domains, email-first login */
  sso: Sso;
  /** authenticate (JWT | API key) and guards, in process; `invalidateKey` on key changes */
  resourceServer: InProcessResourceServer;
  app: Koa;
  /** stop background work, close the store (the HTTP server is the caller's) */
  close(): Promise<void>;
  /** true once shutdown began: /readyz answers 503 */
  shuttingDown: boolean;
}

export interface GatehouseOptions {
  logger?: Logger;
  metrics?: Metrics;
  /** an already-open store (tests sharing one between instances) */
  store?: Store;
  /**
   * Where alert events go besides webhooks and the audit log. Default: mailed to the
   * organization's enabled admins through the mail outbox (SPEC §9).
   */
  alerts?: AlertNotifier;
  /** start the webhook delivery worker and the reminder sweep (default true; the CLI, a short-lived process, does not) */
  backgroundWork?: boolean;
}

/** The composition root: builds the services from the configuration and wires the HTTP app. */
export async function createGatehouse(config: Config, options: GatehouseOptions = {}): Promise<Gatehouse> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const metrics = options.metrics ?? new Metrics({ defaultMetrics: config.nodeEnv !== 'test' });
  // every store call is bounded: a stuck backend answers 503, never a hung request
  const store = withDeadlines(options.store ?? (await openStore(config.databaseUrl, { logger, timeoutMs: config.store.timeoutMs })), config.store.timeoutMs);
  const secrets = new Secrets(config.secret, config.secretPrevious);
  // how many, never which: values sealed or digested under them still open and verify
  if (secrets.previous.length) logger.info({ previousSecrets: secrets.previous.length }, 'GATEHOUSE_SECRET_PREVIOUS: previous master secrets accepted for opening and verifying');
  const stopSweeper = startSweeper(store, logger);
  const audit = new AuditLog({ store: store.audit, logger });
  const events = new Events({ store });
  const mail = createMail({ config, store: store.mailOutbox, secrets, logger });
  mail.worker.start();
  const identity = createIdentity({ store, config, mailer: mail.mailer, events, audit });
  const accounts = createAccounts({ config, store, secrets, identity, mailer: mail.mailer, audit, logger });
  const { apiKeys, usage } = createApiKeysPart({ store, secrets, identity, config, logger, audit, events });
  // what a departing member created goes with them (SPEC §4)
  identity.members.onDeparture(async ({ caller, organizationId, userId, reason }) => {
    await apiKeys.revokeOwnedBy(caller, organizationId, `user:${userId}`, reason === 'removed' ? 'creator_removed' : 'creator_disabled');
  });
  const secretScanning = createSecretScanning({ config, store, secrets, apiKeys, events, audit, permissions: identity.permissions, logger });
  const scim = createScim({ store, identity, audit, secrets, config, logger });
  const sso = createSso({ config, store, secrets, identity, accounts, audit, logger, metrics });
  const oauth = await createOAuth({ config, store, secrets, logger, identity, accounts, metrics, events, federation: sso.signIn });
  const webhooks = createWebhooksPart({
    store, secrets, audit, events, alerts: options.alerts ?? mailedAlerts({ store, mailer: mail.mailer, issuer: config.issuer }),
    config: config.webhooks, logger,
  });
  const metering = createUsagePart({ store, config, events, logger });
  metering.start();
  const resourceServer = createInProcessResourceServer({
    config, store, secrets, usage, meter: metering.meter, counter: metrics.authentications,
    // re-read from the store (a failed read is logged; the keys in memory still serve)
    publicJwks: async () => {
      await oauth.refreshKeys();
      return oauth.signingKeys.publicJwks();
    },
    onKeysChange: (listener) => oauth.signingKeys.onChange(listener),
  });
  apiKeys.onChange((keyId) => resourceServer.invalidateKey(keyId));
  // keys whose permissions left a vocabulary (a resource deleted, a plan changed)
  identity.permissionRemoval.onApiKeysChanged((keyIds) => keyIds.forEach((id) => resourceServer.invalidateKey(id)));
  resourceServer.start();
  if (options.backgroundWork !== false) {
    webhooks.start();
    metering.sweeps.start();
  }

  const app = new Koa();
  app.proxy = config.trustProxy > 0;
  app.maxIpsCount = config.trustProxy;
  app.silent = true;

  const gatehouse: Gatehouse = {
    config, logger, metrics, store, secrets, identity, accounts, apiKeys, usage, metering, audit, events, webhooks, mail, oauth, scim, sso, resourceServer, app,
    shuttingDown: false,
    async close() {
      gatehouse.shuttingDown = true;
      stopSweeper();
      await webhooks.close();
      resourceServer.close();
      await oauth.close();
      await usage.close();
      await metering.close();
      // the mails pages queued after answering go into the outbox before the worker stops
      await accounts.background.close();
      await mail.worker.close();
      if (!options.store) await store.close();
    },
  };

  app.use(requestContext(logger, metrics));
  app.use(securityHeaders());
  app.use(errorBoundary(logger));
  const health = healthRoutes(store, metrics, () => gatehouse.shuttingDown);
  app.use(health.routes());
  // API keys and JWT access tokens at /token/introspection are answered here; the rest reaches oidc-provider
  // (mounted early: it only looks at POST /token/introspection, and spares it the /v1 router)
  // clients bound to resources (a platform API's resource servers): an unbinding holds within 1 s here
  const bound = boundResources({ load: (clientId) => store.resourceBindings.resourcesOf(clientId) });
  app.use(apiKeyIntrospection({ checkApiKey: resourceServer.checkApiKey, checkAccessToken: resourceServer.checkAccessToken, verifyClient: (id, secret) => oauth.clients.verifySecret(id, secret), usage, boundResources: bound }));
  // remote resource servers' usage reports (metering: counted per request, not per introspection)
  app.use(usageReportEndpoint({ sink: metering.sink, findKey: (id) => store.apiKeys.findById(id), verifyClient: (id, secret) => oauth.clients.verifySecret(id, secret), boundResources: bound }));
  // remote resource servers' shared rate limits and DPoP replay claims
  app.use(resourceServerEndpoints({ rateLimits: store.rateLimits, singleUse: store.singleUse, limiter: resourceServer.limiter, verifyClient: (id, secret) => oauth.clients.verifySecret(id, secret) }));
  const management = createManagementApi({
    config, identity, apiKeys, audit, leakedKeyPolicy: secretScanning.policy, clients: oauth.clients, connectedApps: oauth.connectedApps, accounts, scimTokens: scim.tokens, sso,
    webhooks: { endpoints: webhooks.endpoints, deliveries: webhooks.deliveries },
    usage: metering.reports,
    authenticate: resourceServer.authenticate({ refusals: 'throw' }),
    authenticateSelf: resourceServer.authenticate({ refusals: 'throw', enforceReadOnly: false }),
    requirePermissions: resourceServer.requirePermissions,
  });
  // identity providers' SCIM 2.0, authenticated by scim_ tokens only (before /v1: the management
  // API's 405 handling would turn any later 405 into problem+json)
  app.use(scim.middleware);
  // GitHub's secret-scanning partner endpoint: authenticated by GitHub's signature, not by the /v1 middleware
  app.use(secretScanning.middleware);
  app.use(management.middleware);
  app.use(invitationRoutes({ invitations: identity.invitations, store, config, csrfKey: secrets.key('csrf'), metrics }));
  app.use(accountRoutes({ accounts, csrfKey: secrets.key('csrf'), metrics }));
  app.use(webauthnScript());
  app.use(sso.middleware);
  // the console calls the API and the token endpoint through this same app, in process
  let listener: ReturnType<Koa['callback']> | undefined;
  app.use(createConsole({ issuer: config.issuer, secrets, store, firstParty: oauth.firstParty, keyPrefix: config.apiKeys.prefix, listener: () => (listener ??= app.callback()) }));
  app.use(oauth.middleware);

  return gatehouse;
}
