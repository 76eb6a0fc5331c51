import { interactionPolicy, type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import type { MfaRequirement } from '../accounts/mfa-requirement.js';
import type { Config } from '../config/schema.js';
import type { Identity } from '../identity/index.js';
import { findAccount, CLAIMS } from './accounts.js';
import { ORGANIZATION_PARAM, type ActingOrganizations } from './acting-organization.js';
import type { Authorizations } from './authorizations.js';
import { jwksFetch } from './client-auth.js';
import { CLIENT_ASSERTION_ALGS } from './client-keys.js';
import { OIDC_SCOPES } from './clients.js';
import { successSource, userCodeConfirmSource, userCodeInputSource } from './interactions/device.js';
import { mfaRequiredCheck } from './mfa-check.js';
import type { FederatedSignIn } from './interactions/federation.js';
import { ssoRequiredCheck } from './sso-check.js';
import { send } from './interactions/html.js';
import { errorPage, loggedOutPage, logoutPage } from './interactions/pages.js';
import { resourceServerInfo, type GatehouseClientFields } from './resources.js';
import { isStoreOutage } from './store-outage.js';
import { DPOP_ALGORITHMS } from '../resource-server/dpop/proof.js';

export interface ConfigurationDeps {
  config: Config;
  identity: Identity;
  acting: ActingOrganizations;
  authorizations: Authorizations;
  /** organizations that require a second factor: a session without one signs in again */
  mfaRequirement: Pick<MfaRequirement, 'requiredByAny'>;
  /** organizations that require single sign-on: a session made otherwise signs in again */
  federation?: Pick<FederatedSignIn, 'requiredForAccount'>;
  adapter: NonNullable<Configuration['adapter']>;
  jwks: NonNullable<Configuration['jwks']>;
  cookieKeys: string[];
  signing: () => { alg: string; kid: string };
  /** 32 bytes: DPoP nonces, shared with the resource server so either side's nonce is good at the other */
  dpopNonceSecret: Buffer;
}

/** Lifetimes (seconds) of what the provider issues; the longest signed one bounds key retirement. */
export function lifetimes(config: Config) {
  const at = config.oauth.accessTokenTtlSeconds;
  const rt = config.oauth.refreshTokenTtlSeconds;
  return {
    AccessToken: at, ClientCredentials: at, IdToken: at, AuthorizationCode: 60, DeviceCode: 600,
    RefreshToken: rt, Grant: rt, Session: rt, Interaction: 3600,
  };
}

/** OIDC scopes of the grant for the scopes this token request covers (they also go into `scope`). */
function grantedOidcScopes(ctx: KoaContextWithOIDC): string[] {
  const { Grant: grant, AuthorizationCode: code, RefreshToken: refresh } = ctx.oidc.entities;
  const source = code ?? refresh;
  if (!grant || !source) return [];
  const wanted = ctx.oidc.params?.scope ? new Set(String(ctx.oidc.params.scope).split(' ')) : source.scopes;
  return (grant.getOIDCScopeFiltered(wanted) ?? '').split(' ').filter((s) => s && s !== 'offline_access');
}

/**
 * The default prompts plus login checks (a session whose account `findAccount` no longer yields,
 * being disabled or outside the organization asked for, must sign in again; so must one without a
 * second factor when the organization requires it, and one made without the organization's
 * identity provider when it requires that) and, between login
 * and consent, `organization`: a person in several organizations picks the one a
 * multi-organization client acts for when the request named none.
 */
function policy(acting: ActingOrganizations, mfaRequirement: ConfigurationDeps['mfaRequirement'], federation?: ConfigurationDeps['federation']) {
  const { Check, Prompt } = interactionPolicy;
  const prompts = interactionPolicy.base();
  prompts.get('login')!.checks.add(new Check('account_unavailable', 'the signed-in account cannot use this client',
    (ctx) => (ctx.oidc.session?.accountId && !ctx.oidc.account ? Check.REQUEST_PROMPT : Check.NO_NEED_TO_PROMPT)));
  prompts.get('login')!.checks.add(mfaRequiredCheck({ acting, mfaRequirement }));
  if (federation) prompts.get('login')!.checks.add(ssoRequiredCheck(federation));
  prompts.add(new Prompt({ name: 'organization', requestable: false },
    new Check('organization_required', 'the person must choose the organization the application acts for', async (ctx) => {
      const accountId = ctx.oidc.account?.accountId;
      const choose = accountId && (await acting.forAccount(ctx, accountId)).kind === 'choose';
      return choose ? Check.REQUEST_PROMPT : Check.NO_NEED_TO_PROMPT;
    })), 1);
  return prompts;
}

/**
 * The oidc-provider configuration: every security-relevant option set on purpose (SPEC §3)
 * rather than left to defaults.
 */
export function providerConfiguration(deps: ConfigurationDeps): Configuration {
  const { config, identity, acting } = deps;
  const managementApi = `${config.issuer}/v1`;
  return {
    adapter: deps.adapter,
    jwks: deps.jwks,
    clients: [],
    cookies: {
      keys: deps.cookieKeys,
      long: { signed: true, httpOnly: true, sameSite: 'lax' },
      short: { signed: true, httpOnly: true, sameSite: 'lax' },
    },
    claims: CLAIMS,
    scopes: [...OIDC_SCOPES],
    responseTypes: ['code'],
    clientDefaults: {
      grant_types: ['authorization_code'], response_types: ['code'], token_endpoint_auth_method: 'client_secret_basic',
      id_token_signed_response_alg: deps.signing().alg as 'RS256',
    },
    extraClientMetadata: { properties: ['organization_id', 'permissions', 'multi_organization'] },
    extraParams: { [ORGANIZATION_PARAM]: (ctx, value) => acting.validateParam(ctx, value as string | undefined) },
    // client_secret_jwt is left out: its HMAC needs the plaintext secret on both sides
    clientAuthMethods: ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none'],
    enabledJWA: {
      clientAuthSigningAlgValues: [...CLIENT_ASSERTION_ALGS],
      // the resource server accepts proofs signed with exactly these: a key bound here is usable there
      dPoPSigningAlgValues: [...DPOP_ALGORITHMS],
    },
    fetch: jwksFetch(config.oauth.allowPrivateJwksUris) as Configuration['fetch'],
    pkce: { required: () => true },
    rotateRefreshToken: true,
    issueRefreshToken: async (_ctx, client, code) => client.grantTypeAllowed('refresh_token') && code.scopes.has('offline_access'),
    ttl: lifetimes(config),
    findAccount: findAccount(identity, acting),
    // the organization the token acts for: its grant's (a user token), else the client's own (client_credentials)
    async extraTokenClaims(ctx, token) {
      const grantId = (token as { grantId?: string }).grantId;
      const org = grantId ? acting.forGrant(ctx, grantId)
        : ((token.client ?? ctx.oidc.client) as unknown as GatehouseClientFields | undefined)?.organization_id;
      return org ? { org } : undefined;
    },
    formats: {
      customizers: {
        // RFC 9068 `scope` carries the permissions; the OpenID scopes join them so /me accepts the token
        async jwt(ctx, _token, jwt) {
          const oidc = grantedOidcScopes(ctx);
          if (oidc.length) jwt.payload.scope = [...oidc, ...String(jwt.payload.scope ?? '').split(' ').filter(Boolean)].join(' ');
        },
      },
    },
    loadExistingGrant: (ctx) => deps.authorizations.loadExistingGrant(ctx),
    interactions: { policy: policy(acting, deps.mfaRequirement, deps.federation), url: async (_ctx, interaction) => `/interaction/${interaction.uid}` },
    async renderError(ctx, out, error) {
      if (isStoreOutage(error)) {
        return send(ctx, errorPage({ status: 503, title: 'Temporarily unavailable', message: 'Sign-in is temporarily unavailable. Try again in a moment.' }));
      }
      const status = (error as { statusCode?: number; status?: number }).statusCode ?? (error as { status?: number }).status ?? 500;
      send(ctx, errorPage({
        status, title: 'Something went wrong',
        message: status >= 500 ? 'An unexpected error occurred. Try again later.' : String(out.error_description ?? out.error ?? 'The request is invalid.'),
        detail: status >= 500 ? undefined : `Error: ${String(out.error)}`,
      }));
    },
    clientBasedCORS(_ctx, origin, client) {
      return client.redirectUris?.some((uri) => URL.parse(uri)?.origin === origin) ?? false;
    },
    features: {
      devInteractions: { enabled: false },
      // RFC 9449: nonces and their requirement as the resource server has them (oauth.dpop)
      dPoP: { enabled: true, nonceSecret: deps.dpopNonceSecret, requireNonce: () => config.oauth.dpop.requireNonce },
      registration: { enabled: false },
      clientCredentials: { enabled: true },
      deviceFlow: { enabled: true, charset: 'base-20', mask: '****-****', userCodeInputSource, userCodeConfirmSource, successSource },
      userinfo: { enabled: true },
      revocation: { enabled: true },
      introspection: {
        enabled: true,
        // a client may introspect tokens of its own organization only
        async allowedPolicy(ctx, client, token) {
          if (client.clientAuthMethod === 'none' && token.clientId !== client.clientId) return false;
          if (token.clientId === client.clientId) return true;
          const owner = token.clientId ? await ctx.oidc.provider.Client.find(token.clientId) : undefined;
          const org = (c: unknown) => (c as GatehouseClientFields | undefined)?.organization_id;
          return !!owner && org(owner) === org(client);
        },
      },
      rpInitiatedLogout: {
        enabled: true,
        async logoutSource(ctx, form) { send(ctx, logoutPage(form, ctx.host)); },
        async postLogoutSuccessSource(ctx) { send(ctx, loggedOutPage()); },
      },
      resourceIndicators: {
        enabled: true,
        defaultResource: async (_ctx, _client, oneOf) => oneOf ?? managementApi,
        // an authorized resource keeps being the audience (a JWT), also when `openid` is requested
        useGrantedResource: async () => true,
        getResourceServerInfo: resourceServerInfo({ identity, acting, accessTokenTtlSeconds: config.oauth.accessTokenTtlSeconds, signing: deps.signing }),
      },
    },
  };
}
