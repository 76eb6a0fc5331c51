import type { Context } from 'koa';
import type { Logger } from 'pino';
import type { Metrics } from '../ops/metrics.js';
import type { InteractionContext } from '../oauth/interactions/context.js';
import type { FederatedRoute, FederatedSignIn, SignInFinisher } from '../oauth/interactions/federation.js';
import { showLogin } from '../oauth/interactions/login.js';
import { errorPage, onwardPage } from '../oauth/interactions/pages.js';
import type { Store } from '../store/ports.js';
import type { SsoConnections } from './connections.js';
import type { FederatedAccounts, FederatedRefusal } from './federated-accounts.js';
import { IdpFailure, IdpRefusal, type RelyingParty } from './relying-party.js';
import type { SsoRouting } from './routing.js';
import { SIGN_IN_TTL_SECONDS, type FederatedSignInState, type PendingFederatedSignIn } from './sign-in-state.js';

export interface SsoSignInDeps {
  store: Pick<Store, 'ssoConnections' | 'organizations' | 'users' | 'factors' | 'rateLimits'>;
  routing: SsoRouting;
  connections: Pick<SsoConnections, 'clientSecret'>;
  relyingParty: RelyingParty;
  state: FederatedSignInState;
  accounts: FederatedAccounts;
  logger: Logger;
  metrics?: Metrics;
}

const REFUSALS: Record<FederatedRefusal, string> = {
  email_missing: 'Your identity provider did not say which email address you have. Ask your administrator to release the email claim to this application.',
  email_unverified: 'Your identity provider does not vouch for your email address (it is not verified there). Ask your administrator.',
  domain_not_verified: 'Your identity provider signed you in with an email address outside your organization\'s verified domains.',
  account_disabled: 'This account is disabled.',
  role_unavailable: 'Your organization\'s single sign-on is not set up completely (its default role does not exist). Ask your administrator.',
};

const expired = (uid: string) => errorPage({
  status: 400, title: 'Sign-in expired',
  message: 'This sign-in through your identity provider has expired, was finished already, or was started in another browser. Sign in again.',
  detail: `Start again at /interaction/${uid}.`,
});

/**
 * Single sign-on at the login pages: `start` sends the browser to the organization's provider
 * with a fresh state, nonce and PKCE verifier kept in a sealed cookie; `finish` takes the
 * provider's answer back in the same browser, redeems it, and signs in whom it names (see
 * {@link FederatedAccounts}), then the login prompt goes on as after a password (email, second
 * factor, enrolment). The session's `amr` says `fed`; it says `mfa` too when the provider did a
 * second factor and the person has none of their own here (someone who does gives it).
 */
export function ssoSignIn(deps: SsoSignInDeps): FederatedSignIn {
  const count = (outcome: string) => deps.metrics?.authentications.inc({ kind: 'sso', outcome });
  const unreachable = async (ctx: Context, ic: InteractionContext, err: unknown) => {
    deps.logger.warn({ code: (err as IdpFailure).code, reason: (err as Error).message }, 'identity provider unusable');
    count('provider_unusable');
    ic.send(ctx, errorPage({
      status: 502, title: 'Sign-in unavailable',
      message: 'Your organization\'s identity provider cannot be used right now. Try again later, or ask your administrator.',
    }));
  };

  /**
   * Whether this is the first answer to the sign-in: its state taken once from a one-slot budget
   * in the store (atomic across instances, remembered past the sign-in's lifetime), so neither a
   * copied cookie nor a retried answer makes the provider be asked twice.
   */
  const firstAnswer = async (pending: PendingFederatedSignIn) => {
    const windowMs = SIGN_IN_TTL_SECONDS * 1000;
    return (await deps.store.rateLimits.take({ bucket: `sso-state:${pending.state}`, windowMs, limit: 1, cost: 1, now: Date.now() })).allowed;
  };

  return {
    emailFirst: () => deps.routing.emailFirst(),

    async route(email) {
      const route = await deps.routing.route(email);
      return route && { organizationId: route.connection.organizationId, required: route.connection.required };
    },

    async start(ctx: Context, ic: InteractionContext, route: FederatedRoute, email: string) {
      const connection = await deps.store.ssoConnections.find(route.organizationId);
      if (!connection) return ic.send(ctx, showLogin(ic, { email, step: 'email', status: 409, error: 'Single sign-on changed meanwhile. Try again.' }));
      let url: URL;
      try {
        const config = await deps.relyingParty.configuration(connection, deps.connections.clientSecret(connection));
        const pending = deps.state.begin(ctx, { uid: ic.uid, organizationId: connection.organizationId, issuer: connection.issuer, clientId: connection.clientId });
        url = await deps.relyingParty.authorizationUrl(config, pending, email);
      } catch (err) {
        if (err instanceof IdpFailure) return unreachable(ctx, ic, err);
        throw err;
      }
      count('started');
      const organization = await deps.store.organizations.findById(connection.organizationId);
      ic.send(ctx, onwardPage({
        title: 'Continue to your organization', to: url.href, link: 'Continue to sign in',
        message: `${organization?.name ?? 'Your organization'} signs you in through its identity provider.`,
      }));
    },

    async finish(ctx: Context, ic: InteractionContext, finisher: SignInFinisher) {
      const pending = deps.state.take(ctx, ic.uid);
      const connection = pending && (await deps.store.ssoConnections.find(pending.organizationId));
      // an answer to another sign-in (its state), a sign-in answered already (a replayed cookie),
      // or a connection changed since it began (another provider or client) does not finish it
      if (!pending || ctx.query.state !== pending.state || !(await firstAnswer(pending))
        || !connection || connection.issuer !== pending.issuer || connection.clientId !== pending.clientId) {
        count('expired');
        return ic.send(ctx, expired(ic.uid));
      }
      let upstream;
      try {
        const config = await deps.relyingParty.configuration(connection, deps.connections.clientSecret(connection));
        upstream = await deps.relyingParty.redeem(config, ctx.querystring, pending);
      } catch (err) {
        if (err instanceof IdpRefusal) {
          count('refused_by_provider');
          return ic.send(ctx, errorPage({ status: 403, title: 'Not signed in', message: `Your identity provider did not sign you in (${err.error.slice(0, 64)}).` }));
        }
        if (err instanceof IdpFailure) return unreachable(ctx, ic, err);
        throw err;
      }
      const outcome = await deps.accounts.signIn(connection, upstream, ctx.ip);
      count(outcome.ok ? 'success' : outcome.reason);
      if (!outcome.ok) return ic.send(ctx, errorPage({ status: 403, title: 'Not signed in', message: REFUSALS[outcome.reason] }));
      const refusal = await finisher.refusal(outcome.user.id);
      if (refusal) return ic.send(ctx, showLogin(ic, { email: outcome.user.email, step: 'email', status: 403, error: refusal }));
      const ownFactors = (await deps.store.factors.listByUser(outcome.user.id)).some((f) => f.confirmedAt);
      const amr = upstream.amr.includes('mfa') && !ownFactors ? ['fed', 'mfa'] : ['fed'];
      return finisher.continueSignIn(ctx, ic, outcome.user, amr);
    },

    async requiredForAccount(accountId) {
      const user = await deps.store.users.findById(accountId);
      return !!user && (await deps.routing.requiredFor(user.email)) !== null;
    },
  };
}
