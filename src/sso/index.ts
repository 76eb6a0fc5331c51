import type { Middleware } from 'koa';
import type { Logger } from 'pino';
import type { Accounts } from '../accounts/index.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { Config } from '../config/schema.js';
import type { Secrets } from '../domain/secrets.js';
import type { Identity } from '../identity/index.js';
import type { FederatedSignIn } from '../oauth/interactions/federation.js';
import type { Metrics } from '../ops/metrics.js';
import type { Store } from '../store/ports.js';
import type { Caller } from '../audit/actor.js';
import { assertMayDecideSignIn } from '../identity/authority.js';
import { SSO_CALLBACK_PATH, ssoCallbackRoute } from './callback-route.js';
import { SsoConnections } from './connections.js';
import { DomainDnsCheck } from './dns-check.js';
import { EmailDomains } from './domains.js';
import { FederatedAccounts } from './federated-accounts.js';
import { RelyingParty } from './relying-party.js';
import { SsoRouting } from './routing.js';
import { ssoSignIn } from './sign-in.js';
import { FederatedSignInState } from './sign-in-state.js';

/** Single sign-on (SPEC §10): what the management API, the CLI and the login pages use. */
export interface Sso {
  /** an organization's identity provider (`idp:*` routes, the CLI) */
  connections: SsoConnections;
  /** an organization's email domains; the operator verifies them */
  domains: EmailDomains;
  /** which emails sign in through which provider */
  routing: SsoRouting;
  /** email-first login and the provider round trip, for the login pages (`oauth.federation`) */
  signIn: FederatedSignIn;
  /** `/sso/callback`, where providers send the browser back; other paths pass through */
  middleware: Middleware;
  /** the redirect URI to register with a provider */
  redirectUri: string;
}

export interface SsoDeps {
  config: Pick<Config, 'issuer' | 'sso'>;
  store: Store;
  secrets: Secrets;
  identity: Pick<Identity, 'roles' | 'permissions' | 'members'>;
  accounts: Pick<Accounts, 'passwordReset'>;
  audit: AuditLog;
  logger: Logger;
  metrics?: Metrics;
}

/**
 * Builds single sign-on over the identity services and hooks it to accounts: a person who must
 * sign in through their organization's provider is mailed no password-reset link.
 */
export function createSso(deps: SsoDeps): Sso {
  const { config, store, identity } = deps;
  const redirectUri = `${config.issuer}${SSO_CALLBACK_PATH}`;
  const relyingParty = new RelyingParty({
    redirectUri, allowPrivateNetworks: config.sso.allowPrivateNetworks, timeoutMs: config.sso.timeoutMs, cacheSeconds: config.sso.metadataCacheSeconds,
  });
  const mayConfigure = (caller: Caller, organizationId: string) => assertMayDecideSignIn(caller, organizationId, { store, permissions: identity.permissions });
  const connections = new SsoConnections({
    store, secrets: deps.secrets, roles: identity.roles, permissions: identity.permissions, mayConfigure, relyingParty, audit: deps.audit,
    allowPrivateNetworks: config.sso.allowPrivateNetworks,
  });
  const domains = new EmailDomains({
    store, mayConfigure, audit: deps.audit, dns: new DomainDnsCheck({ servers: config.sso.dnsServers, timeoutMs: config.sso.dnsTimeoutMs }),
  });
  const routing = new SsoRouting(store);
  const state = new FederatedSignInState(deps.secrets);
  const signIn = ssoSignIn({
    store, routing, connections, relyingParty, state, logger: deps.logger, metrics: deps.metrics,
    accounts: new FederatedAccounts({ store, members: identity.members, audit: deps.audit }),
  });
  deps.accounts.passwordReset.withholdWhen(async (user) => (await routing.requiredFor(user.email)) !== null);
  return { connections, domains, routing, signIn, middleware: ssoCallbackRoute(state), redirectUri };
}
