import { createHmac } from 'node:crypto';
import type { Middleware } from 'koa';
import type Provider from 'oidc-provider';
import type { Logger } from 'pino';
import type { Accounts } from '../../accounts/index.js';
import type { Config } from '../../config/schema.js';
import type { Identity } from '../../identity/index.js';
import type { Metrics } from '../../ops/metrics.js';
import type { Store } from '../../store/ports.js';
import type { ActingOrganizations } from '../acting-organization.js';
import type { Authorizations } from '../authorizations.js';
import type { ClientService } from '../clients.js';
import { showConsent, submitConsent } from './consent.js';
import { loadInteraction } from './context.js';
import { CsrfTokens, readForm } from './form.js';
import { send } from './html.js';
import { FEDERATED_RETURN_STEP, type FederatedSignIn } from './federation.js';
import { firstStep, membershipRefusal, showLogin, submitLogin } from './login.js';
import { showOrganizationPicker, submitOrganization } from './organization.js';
import { errorPage } from './pages.js';
import { PendingSignIns } from './pending-sign-in.js';
import { signIn } from './sign-in.js';

const PATH = /^\/interaction\/([A-Za-z0-9_-]{1,64})(?:\/([a-z-]{1,32}))?$/;

export interface InteractionRoutesDeps {
  provider: () => Provider;
  identity: Identity;
  clients: ClientService;
  store: Store;
  config: Config;
  logger: Logger;
  csrfKey: Buffer;
  acting: ActingOrganizations;
  authorizations: Authorizations;
  /** sign-up links, second factors, passkeys, email verification at sign-in */
  accounts: Accounts;
  metrics?: Metrics;
  /** single sign-on: email-first login, identity providers (sso/) */
  federation?: FederatedSignIn;
}

const expired = () => errorPage({
  status: 400, title: 'Sign-in expired',
  message: 'This sign-in request has expired or was opened in another browser. Go back to the application and start again.',
});

/**
 * The login, organization picker and consent pages at oidc-provider's interaction URLs:
 * `GET /interaction/:uid` shows the page the current prompt needs;
 * `POST /interaction/:uid/login|organization|consent` takes the form (CSRF token bound to the
 * interaction checked first), and so do the login prompt's later steps (sign-in.ts: `mfa`,
 * `passkey`, `passkey-options`, `enrol-totp`, `enrol-passkey`, `enrol-passkey-options`,
 * `continue`, `resend`), and `GET /interaction/:uid/sso`, an identity provider's answer (single
 * sign-on: `federation`, built in sso/).
 */
export function interactionRoutes(deps: InteractionRoutesDeps): Middleware {
  const csrf = new CsrfTokens(deps.csrfKey);
  const pending = new PendingSignIns(createHmac('sha256', deps.csrfKey).update('pending sign-ins').digest());
  const { continueSignIn, steps: signInSteps } = signIn({ ...deps, pending });
  const loginDeps = { ...deps, continueSignIn };
  return async (ctx, next) => {
    const match = PATH.exec(ctx.path);
    if (!match) return next();
    const [, uid, step] = match;
    // the identity provider's answer comes back as a navigation: the one step that is a GET
    const federatedReturn = step === FEDERATED_RETURN_STEP && deps.federation;
    const allowed = federatedReturn ? ['GET'] : step ? ['POST'] : ['GET', 'HEAD'];
    if (!allowed.includes(ctx.method)) {
      ctx.set('Allow', allowed.join(', '));
      return send(ctx, errorPage({ status: 405, title: 'Method not allowed', message: 'Use the form on the sign-in page.' }));
    }
    const ic = await loadInteraction(ctx, uid, deps.provider(), deps.clients, csrf);
    if (!ic) return send(ctx, expired());
    const prompt = ic.interaction.prompt.name;
    if (federatedReturn) {
      if (prompt !== 'login') return send(ctx, expired());
      return federatedReturn.finish(ctx, ic, { continueSignIn, refusal: (userId) => membershipRefusal(ic, userId, deps.acting) });
    }
    if (!step) {
      if (prompt === 'login') return send(ctx, showLogin(ic, { step: await firstStep(deps.federation) }, deps.config.accounts));
      if (prompt === 'organization') return showOrganizationPicker(ctx, ic, deps);
      if (prompt === 'consent') return showConsent(ctx, ic, deps);
      deps.logger.warn({ prompt }, 'unsupported interaction prompt');
      return send(ctx, errorPage({ status: 400, title: 'Cannot continue', message: 'This sign-in step is not supported.' }));
    }
    const form = await readForm(ctx);
    if (!csrf.check(uid, form.csrf)) {
      return send(ctx, errorPage({ status: 403, title: 'Request refused', message: 'The form was not submitted from this sign-in page. Go back and try again.' }));
    }
    // the steps after a first factor (second factor, enrolment, passkeys) belong to the login prompt
    const signInStep = Object.hasOwn(signInSteps, step) ? signInSteps[step] : undefined;
    if ((signInStep ? 'login' : step) !== prompt) return send(ctx, expired());
    if (signInStep) return signInStep(ctx, ic, form);
    if (step === 'login') return submitLogin(ctx, ic, form, loginDeps);
    if (step === 'organization') return submitOrganization(ctx, ic, form, deps);
    if (step === 'consent') return submitConsent(ctx, ic, form, deps);
    return send(ctx, errorPage({ status: 404, title: 'Not found', message: 'There is no such sign-in step.' }));
  };
}
