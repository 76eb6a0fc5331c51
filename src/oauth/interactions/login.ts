import type { Context } from 'koa';
import type { Config } from '../../config/schema.js';
import type { Identity } from '../../identity/index.js';
import { emailProblem } from '../../identity/validation.js';
import type { Metrics } from '../../ops/metrics.js';
import type { Store, User } from '../../store/ports.js';
import type { ActingOrganizations } from '../acting-organization.js';
import { loginPage, type LoginView } from './pages.js';
import { actingInput, type InteractionContext } from './context.js';
import { takeLoginAttempt } from './login-throttle.js';
import { FORGOT_PASSWORD_PATH } from '../../accounts/password-reset.js';
import { SIGNUP_PATH } from './account-routes.js';
import { WEBAUTHN_SCRIPT_PATH } from './webauthn-script.js';
import type { FederatedSignIn } from './federation.js';

const GENERIC_FAILURE = 'Incorrect email or password.';
/** Why this account cannot use the client: the organization it was to act for, in words. */
function notMember(input: { multiOrganization: boolean; requested?: string }): string {
  const which = !input.multiOrganization ? 'the organization that runs this application'
    : input.requested ? 'the organization this application asked for' : 'any organization';
  return `This account does not belong to ${which}. Sign in with another account.`;
}

/** Why this person cannot sign in to this interaction's client (not a member where it acts), or null when they can. */
export async function membershipRefusal(ic: InteractionContext, userId: string, acting: ActingOrganizations): Promise<string | null> {
  const input = actingInput(ic, userId);
  return (await acting.resolve(input)).kind === 'none' ? notMember(input) : null;
}

export interface LoginDeps {
  identity: Identity;
  store: Store;
  config: Config;
  acting: ActingOrganizations;
  /** counts sign-ins by outcome (`gatehouse_authentications_total{kind="password"}`) */
  metrics?: Metrics;
  /** what follows a right password: email verification, a second factor, enrolment, or the end (sign-in.ts) */
  continueSignIn(ctx: Context, ic: InteractionContext, user: User, amr: string[]): Promise<void>;
  /** single sign-on: email-first, and the emails that go to an identity provider */
  federation?: FederatedSignIn;
}

/**
 * Renders the login form for this interaction: "Forgot password?", "Create an account" (with
 * `accounts.selfSignup`) and "Sign in with a passkey" beside it, and, when the organization now
 * requires a second factor of a session that signed in without one, why it is asked again.
 */
export function showLogin(ic: InteractionContext, extra: Pick<LoginView, 'email' | 'error' | 'status' | 'step'> = {}, accounts?: Config['accounts']) {
  const base = `/interaction/${ic.uid}`;
  const reasons = ic.interaction.prompt.reasons ?? [];
  return loginPage({
    action: `${base}/login`, csrf: ic.csrf, clientName: ic.clientName, formAction: ic.formAction, restart: base, ...extra,
    notice: reasons.includes('mfa_required') ? 'This organization requires two-step verification. Sign in again to continue.'
      : reasons.includes('sso_required') ? 'Your organization signs you in through its identity provider. Sign in again to continue.' : undefined,
    links: {
      forgotPassword: `${FORGOT_PASSWORD_PATH}?interaction=${ic.uid}`,
      signup: accounts?.selfSignup ? `${SIGNUP_PATH}?interaction=${ic.uid}` : undefined,
    },
    passkey: { options: `${base}/passkey-options`, action: `${base}/passkey`, script: WEBAUTHN_SCRIPT_PATH },
  });
}

/** The login form's first step when the login page asks for the email first, else none (one form). */
export async function firstStep(federation?: Pick<FederatedSignIn, 'emailFirst'>): Promise<'email' | undefined> {
  return federation && (await federation.emailFirst()) ? 'email' : undefined;
}

/**
 * POST of the login form. With single sign-on, an email whose organization's identity provider
 * signs it in goes there (from the email step, and always when the organization requires it, the
 * password unread); any other email of the email step gets the password step, whether or not it
 * has an account. A password is throttled per account and per IP before it is checked, one
 * generic message for an unknown email and a wrong password, membership required (of the
 * client's organization, or for a multi-organization client of the one the request names, or of
 * any). A right password goes on to `continueSignIn`.
 */
export async function submitLogin(ctx: Context, ic: InteractionContext, form: Record<string, string>, deps: LoginDeps): Promise<void> {
  const email = (form.email ?? '').trim().toLowerCase().slice(0, 254);
  const password = (form.password ?? '').slice(0, 1024);
  const emailStep = form.step === 'email';
  if (deps.federation && (emailStep || password)) {
    const route = await deps.federation.route(email);
    if (route && (emailStep || route.required)) return deps.federation.start(ctx, ic, route, email);
  }
  if (emailStep) {
    const invalid = emailProblem(email) !== null;
    return ic.send(ctx, showLogin(ic, invalid ? { email, step: 'email', status: 400, error: 'Enter your email address, such as ada@example.com.' }
      : { email, step: 'password' }, deps.config.accounts));
  }
  const step = (await firstStep(deps.federation)) && 'password';
  const count = (outcome: string) => deps.metrics?.authentications.inc({ kind: 'password', outcome });
  const wait = await takeLoginAttempt(deps.store, deps.config.throttles, email, ctx.ip);
  if (wait !== null) {
    count('throttled');
    ctx.set('Retry-After', String(wait));
    return ic.send(ctx, showLogin(ic, {
      email, step, status: 429, error: `Too many sign-in attempts. Try again in ${Math.ceil(wait / 60)} minute(s).`,
    }, deps.config.accounts));
  }
  const user = email && password ? await deps.identity.users.verifyPassword(email, password) : null;
  if (!user) {
    count('failed');
    return ic.send(ctx, showLogin(ic, { email, step, status: 200, error: GENERIC_FAILURE }, deps.config.accounts));
  }
  const refusal = await membershipRefusal(ic, user.id, deps.acting);
  if (refusal) {
    count('not_member');
    return ic.send(ctx, showLogin(ic, { email, step, status: 403, error: refusal }, deps.config.accounts));
  }
  count('success');
  return deps.continueSignIn(ctx, ic, user, ['pwd']);
}
