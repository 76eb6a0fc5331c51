import { AsyncLocalStorage } from 'node:async_hooks';
import compose from 'koa-compose';
import type { Middleware } from 'koa';
import Provider, { type KoaContextWithOIDC } from 'oidc-provider';
import type { Logger } from 'pino';
import type { Accounts } from '../accounts/index.js';
import type { Config } from '../config/schema.js';
import type { Secrets } from '../domain/secrets.js';
import type { Events } from '../events/emitter.js';
import type { Identity } from '../identity/index.js';
import type { Metrics } from '../ops/metrics.js';
import type { Store } from '../store/ports.js';
import { actingOrganizations } from './acting-organization.js';
import { createAdapterClass, storageIdFunction } from './adapter.js';
import { authorizations } from './authorizations.js';
import { checkClientSecretsWith } from './client-auth.js';
import { ClientService } from './clients.js';
import { ConnectedApps } from './connected-apps.js';
import { explainDpopRequired } from './dpop-required.js';
import { ClientRegistry, FirstPartyClients, withFirstParty } from './first-party.js';
import { lifetimes, providerConfiguration } from './configuration.js';
import { throttleUserCodes } from './interactions/device.js';
import type { FederatedSignIn } from './interactions/federation.js';
import { interactionRoutes } from './interactions/routes.js';
import { ProviderHost } from './provider-host.js';
import { installRefreshReuse } from './refresh-reuse.js';
import { SigningKeyService } from './signing-keys.js';
import { jwtUserinfo } from './userinfo.js';
import { DpopNonces } from '../resource-server/dpop/nonce.js';
import { storeReplayGuard } from '../resource-server/dpop/replay.js';
import { createDpopVerifier } from '../resource-server/dpop/verifier.js';

export interface OAuthOptions {
  config: Config;
  store: Store;
  secrets: Secrets;
  logger: Logger;
  identity: Identity;
  /** sign-up links, second factors and passkeys at sign-in, organizations that require them */
  accounts: Accounts;
  metrics?: Metrics;
  /** OAuth's events (app.connected, app.disconnected, refresh_token.reuse_detected), each stored with its change */
  events: Events;
  /** how often other instances' key rotations are picked up (ms); default `oauth.keyRefreshSeconds`, 0 disables polling */
  keyPollMs?: number;
  /** single sign-on at the login page (sso/): email-first, identity providers, required SSO */
  federation?: FederatedSignIn;
}

/** The OAuth 2.0 / OpenID Connect part of one Gatehouse (SPEC §3). */
export interface OAuth {
  /** the oidc-provider instance serving now (replaced when the signing keys change) */
  readonly provider: Provider;
  /** serves the provider's endpoints, RFC 8414 metadata, JWT userinfo and the login/consent pages; other paths pass through */
  middleware: Middleware;
  signingKeys: SigningKeyService;
  /** registered clients (what the API, the CLI and connected apps see; never the console) */
  clients: ClientService;
  /** the apps each organization's members authorized; disconnect */
  connectedApps: ConnectedApps;
  /** the operator's own client (the console): derived, never registered */
  firstParty: FirstPartyClients;
  /** reloads the signing keys from the store now (another instance may have rotated) */
  refreshKeys(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Builds the OAuth server: signing keys (generated on first start), the storage adapter over
 * `store.oidc`, the provider configuration, and the HTTP surface. In production it refuses
 * anything meant for development only.
 */
export async function createOAuth(options: OAuthOptions): Promise<OAuth> {
  const { config, store, secrets, logger, identity } = options;
  if (config.nodeEnv === 'production' && config.oauth.devInteractions)
    throw new Error('oauth.devInteractions must be false in production');
  if (config.nodeEnv === 'production' && config.databaseUrl === 'sqlite::memory:')
    throw new Error('DATABASE_URL must not be an in-memory database in production (OAuth state would not survive a restart)');

  const ttl = lifetimes(config);
  const signingKeys = new SigningKeyService({
    store, secrets, logger, defaultAlg: config.oauth.signingAlg,
    maxTokenLifetimeSeconds: Math.max(ttl.AccessToken, ttl.IdToken, ttl.ClientCredentials),
  });
  await signingKeys.init();
  const clients = new ClientService(store, secrets, identity.permissions, identity.permissionRemoval);
  const firstParty = new FirstPartyClients(config.issuer, secrets);
  // what the provider and its pages serve: the registered clients and the console
  const served = new ClientRegistry(store, secrets, identity.permissions, firstParty);
  const signing = () => {
    const active = signingKeys.active();
    if (!active) throw new Error('no active signing key');
    return { alg: active.alg, kid: active.kid };
  };
  const reuseSeconds = config.oauth.refreshReuseIntervalSeconds;
  // the provider request each adapter call serves (the adapter interface has no context of its own)
  const requests = new AsyncLocalStorage<KoaContextWithOIDC>();
  const Adapter = createAdapterClass({
    store, secrets, clients: served, idTokenAlg: () => signing().alg, refreshReuseIntervalMs: reuseSeconds * 1000, events: options.events,
    request: () => requests.getStore(),
  });
  // keygrip signs with the first (current) and verifies with each: cookies set before a rotation still read
  const cookieKeys = secrets.keys('cookies').map((key) => key.toString('base64url'));
  const acting = actingOrganizations({ identity, store });
  // read at request time, once `host` below holds the running provider
  const provider = () => host.current;
  const families = authorizations({ store, provider, acting, events: options.events });

  const build = () => {
    const jwks = signingKeys.privateJwks();
    if (jwks.keys.length === 0) throw new Error('refusing to start without signing keys');
    const configuration = providerConfiguration({
      config, identity, acting, authorizations: families, adapter: Adapter, jwks: jwks as never, cookieKeys, signing,
      dpopNonceSecret: secrets.key('dpop-nonce'),
      mfaRequirement: options.accounts.mfaRequirement, federation: options.federation,
    });
    const built = new Provider(config.issuer, withFirstParty(configuration, {
      firstParty, acting, authorizations: families, defaultResource: `${config.issuer}/v1`,
      vocabulary: (organizationId) => identity.permissions.vocabulary(organizationId),
    }));
    built.use((ctx, next) => requests.run(ctx as KoaContextWithOIDC, next));
    checkClientSecretsWith(built, served);
    explainDpopRequired(built);
    installRefreshReuse(built, { store, secrets, intervalSeconds: reuseSeconds, storageId: storageIdFunction(secrets) });
    return built;
  };
  const host = new ProviderHost(build, logger, { proxy: config.trustProxy > 0, maxIpsCount: config.trustProxy });
  const unsubscribe = signingKeys.onChange(() => host.rebuild());

  const dpopSettings = config.oauth.dpop;
  const userinfo = jwtUserinfo({
    issuer: config.issuer, identity, publicJwks: () => signingKeys.publicJwks(), onKeysChange: (l) => signingKeys.onChange(l),
    refreshKeys: async () => { await signingKeys.refresh().catch((err: unknown) => logger.error({ err }, 'signing key refresh failed')); },
    dpop: createDpopVerifier({
      replay: storeReplayGuard(store.singleUse), nonces: new DpopNonces(secrets.key('dpop-nonce')),
      requireNonce: dpopSettings.requireNonce, iatWindowSeconds: dpopSettings.iatWindowSeconds,
    }),
    corsAllowed: async (clientId, origin) => !!(await served.findById(clientId))?.redirectUris.some((u) => URL.parse(u)?.origin === origin),
  });
  const middleware = compose([
    throttleUserCodes({ store, window: config.throttles.loginPerIp }),
    interactionRoutes({
      provider, identity, clients: served, store, config, logger, acting, authorizations: families, accounts: options.accounts,
      csrfKey: secrets.key('csrf'), metrics: options.metrics, federation: options.federation,
    }),
    host.middleware(async (ctx) => {
      if (ctx.path === '/me') return userinfo(ctx);
      // the JWKS a resource server fetches (on an unknown kid, typically right after a rotation on
      // another instance) is read from the store first, at most once a second
      if (ctx.path === '/jwks') await refreshKeysForJwks();
      return false;
    }),
  ]);

  const pollMs = options.keyPollMs ?? config.oauth.keyRefreshSeconds * 1000;
  const refreshKeys = async () => {
    try {
      await signingKeys.refresh();
    } catch (err) {
      logger.error({ err }, 'signing key refresh failed');
    }
  };
  let jwksRefreshedAt = 0;
  async function refreshKeysForJwks(): Promise<void> {
    if (Date.now() - jwksRefreshedAt < 1000) return;
    jwksRefreshedAt = Date.now();
    await refreshKeys();
  }
  const timer = pollMs > 0 ? setInterval(() => void refreshKeys(), pollMs) : null;
  timer?.unref();

  return {
    get provider() { return host.current; },
    middleware, signingKeys, clients, firstParty,
    // registered apps only: the console is part of Gatehouse, not an app an organization connects
    connectedApps: new ConnectedApps({ store, clients, events: options.events }),
    refreshKeys,
    async close() {
      if (timer) clearInterval(timer);
      unsubscribe();
    },
  };
}

export { ClientService } from './clients.js';
export type { ClientJSON, CreateClientInput, UpdateClientInput } from './clients.js';
export { SigningKeyService } from './signing-keys.js';
export type { SigningAlg } from './signing-keys.js';
