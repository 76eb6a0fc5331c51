import type { Context } from 'koa';
import type { Accounts } from '../../accounts/index.js';
import { forgetLoginAttempts, takeLoginAttempt } from '../../accounts/throttle.js';
import type { Config } from '../../config/schema.js';
import type { Metrics } from '../../ops/metrics.js';
import type { Store, User } from '../../store/ports.js';
import type { ActingOrganizations } from '../acting-organization.js';
import { actingInput, type InteractionContext } from './context.js';
import type { FederatedSignIn } from './federation.js';
import { firstStep, membershipRefusal, showLogin } from './login.js';
import { errorPage } from './pages.js';
import type { PendingSignIn, PendingSignIns, SignInStage } from './pending-sign-in.js';
import { enrolPage, recoveryCodesPage, secondFactorPage, verifyEmailFirstPage, type StepContext } from './sign-in-pages.js';
import { WEBAUTHN_SCRIPT_PATH } from './webauthn-script.js';

export interface SignInDeps {
  accounts: Accounts;
  store: Store;
  config: Config;
  acting: ActingOrganizations;
  pending: PendingSignIns;
  metrics?: Metrics;
  /** single sign-on: a person whose organization requires it is sent to its identity provider instead */
  federation?: FederatedSignIn;
}

/** A POST step of the login prompt after its first factor; the CSRF token is already checked. */
export type SignInStep = (ctx: Context, ic: InteractionContext, form: Record<string, string>) => Promise<void>;

const unique = (amr: string[]) => [...new Set(amr)];

const stale = () => errorPage({
  status: 400, title: 'Sign-in expired', message: 'This sign-in step has expired. Go back to the application and sign in again.',
});

/**
 * The rest of a sign-in once a first factor passed (a password, or a passkey with user
 * verification): the email must be verified; a person with a second factor gives it; a person
 * without one whose organization requires it enrols first; then the login prompt ends with the
 * methods used (`amr`, RFC 8176: `pwd`, `otp`, `hwk`, and `mfa` once two were used), which the
 * provider keeps on the session, so a later authorization for an organization that requires a
 * second factor can ask again (see `mfa-check.ts`).
 */
export function signIn(deps: SignInDeps) {
  const { accounts } = deps;
  const count = (kind: string, outcome: string) => deps.metrics?.authentications.inc({ kind, outcome });

  const stepContext = (ic: InteractionContext, pending: Omit<PendingSignIn, 'exp'>): StepContext => ({
    base: `/interaction/${ic.uid}`, csrf: ic.csrf, pending: deps.pending.issue(pending), script: WEBAUTHN_SCRIPT_PATH, formAction: ic.formAction,
  });

  /** Whether the organization this sign-in acts for (any of them, while the person still has to choose) requires a second factor. */
  const organizationRequires = async (ic: InteractionContext, userId: string): Promise<boolean> => {
    const acting = await deps.acting.resolve(actingInput(ic, userId));
    const ids = acting.kind === 'chosen' ? [acting.organizationId] : acting.kind === 'choose' ? acting.organizationIds : [];
    return accounts.mfaRequirement.requiredByAny(ids);
  };

  const finish = async (ctx: Context, ic: InteractionContext, user: User, amr: string[]) => {
    await forgetLoginAttempts(deps.store, user.email);
    await ic.finish(ctx, { login: { accountId: user.id, amr: unique(amr) } });
  };

  const showSecondFactor = async (ctx: Context, ic: InteractionContext, user: User, amr: string[], error?: string, status?: number) => {
    const factors = await accounts.factors.confirmed(user.id);
    ic.send(ctx, secondFactorPage(stepContext(ic, { uid: ic.uid, userId: user.id, stage: 'second_factor', amr }), {
      email: user.email, hasApp: factors.some((f) => f.type === 'totp'), hasPasskey: factors.some((f) => f.type === 'passkey'), error, status,
    }));
  };

  const showEnrolment = async (ctx: Context, ic: InteractionContext, user: User, amr: string[], again?: { factorId: string; error: string }) => {
    const enrolment = (again && (await accounts.totp.reopen(user, again.factorId))) || (await accounts.totp.start(user));
    ic.send(ctx, enrolPage(stepContext(ic, { uid: ic.uid, userId: user.id, stage: 'enrol', amr }), {
      email: user.email, uri: enrolment.uri, secret: enrolment.secret, factorId: enrolment.factor.id,
      error: again?.error, status: again ? 400 : undefined,
    }));
  };

  /** After a first factor: verification, second factor, enrolment, or the end. */
  async function continueSignIn(ctx: Context, ic: InteractionContext, user: User, amr: string[]): Promise<void> {
    if (!user.emailVerified) {
      count('email', 'unverified');
      return ic.send(ctx, verifyEmailFirstPage(stepContext(ic, { uid: ic.uid, userId: user.id, stage: 'unverified', amr }), { email: user.email }));
    }
    if (amr.includes('mfa')) return finish(ctx, ic, user, amr);
    if ((await accounts.factors.confirmed(user.id)).length) return showSecondFactor(ctx, ic, user, amr);
    if (await organizationRequires(ic, user.id)) return showEnrolment(ctx, ic, user, amr);
    return finish(ctx, ic, user, amr);
  }

  /** The pending sign-in a form carries, with its person while they may still sign in; null sends the "expired" page. */
  const resume = async (ctx: Context, ic: InteractionContext, form: Record<string, string>, stages: SignInStage[]) => {
    const pending = deps.pending.read(ic.uid, form.pending, stages);
    const user = pending ? await deps.store.users.findById(pending.userId) : null;
    if (!pending || !user || user.disabled) {
      ic.send(ctx, stale());
      return null;
    }
    return { pending, user };
  };

  /** The login budgets (per account and per address) for one more code; false once the 429 page is sent. */
  const withinBudget = async (ctx: Context, ic: InteractionContext, user: User): Promise<boolean> => {
    const wait = await takeLoginAttempt(deps.store, deps.config.throttles, user.email, ctx.ip);
    if (wait === null) return true;
    count('mfa', 'throttled');
    ctx.set('Retry-After', String(wait));
    ic.send(ctx, errorPage({ status: 429, title: 'Too many attempts', message: `Too many sign-in attempts. Try again in ${Math.ceil(wait / 60)} minute(s).` }));
    return false;
  };

  const json = (ctx: Context, status: number, body: unknown) => {
    ctx.status = status;
    ctx.set('Cache-Control', 'no-store');
    ctx.body = body;
  };

  const steps: Record<string, SignInStep> = {
    /** A code: an authenticator app's, or a recovery code. */
    async mfa(ctx, ic, form) {
      const found = await resume(ctx, ic, form, ['second_factor']);
      if (!found || !(await withinBudget(ctx, ic, found.user))) return;
      const used = await accounts.factors.checkCode(found.user.id, form.code);
      count('mfa', used ?? 'failed');
      if (!used) return showSecondFactor(ctx, ic, found.user, found.pending.amr, 'That code is not right, or it was used already.', 400);
      return finish(ctx, ic, found.user, [...found.pending.amr, 'otp', 'mfa']);
    },

    /** Options for a passkey: the person's (second factor), or any discoverable one (sign-in without a password). */
    async 'passkey-options'(ctx, ic, form) {
      const wait = await accounts.throttle.perAddress('passkey', ctx.ip);
      if (wait !== null) return json(ctx, 429, { message: 'Too many attempts from this address. Try again later.' });
      const pending = form.pending ? deps.pending.read(ic.uid, form.pending, ['second_factor']) : null;
      if (form.pending && !pending) return json(ctx, 400, { message: 'This sign-in step has expired. Sign in again.' });
      return json(ctx, 200, { options: await accounts.passkeys.authenticationOptions({ userId: pending?.userId ?? null, binding: ic.uid }) });
    },

    /** A passkey's answer: the second factor of a pending sign-in, or a whole sign-in on its own. */
    async passkey(ctx, ic, form) {
      const wait = await accounts.throttle.perAddress('passkey', ctx.ip);
      if (wait !== null) {
        ctx.set('Retry-After', String(wait));
        return ic.send(ctx, errorPage({ status: 429, title: 'Too many attempts', message: 'Too many attempts from this address. Try again later.' }));
      }
      const found = form.pending ? await resume(ctx, ic, form, ['second_factor']) : null;
      if (form.pending && !found) return;
      const outcome = await accounts.passkeys.authenticate(form.response, { userId: found?.user.id ?? null, binding: ic.uid });
      count('passkey', outcome.ok ? 'success' : outcome.reason);
      if (found) {
        if (!outcome.ok) return showSecondFactor(ctx, ic, found.user, found.pending.amr, 'That passkey could not be used. Try again, or enter a code.', 400);
        return finish(ctx, ic, found.user, [...found.pending.amr, 'hwk', 'mfa']);
      }
      const user = outcome.ok ? await deps.store.users.findById(outcome.factor.userId) : null;
      if (!user || user.disabled) return passkeyRefused(ctx, ic, 'That passkey could not be used to sign in.');
      // a passkey alone is no way around an organization's identity provider
      const route = await deps.federation?.route(user.email);
      if (route?.required) return deps.federation!.start(ctx, ic, route, user.email);
      const refusal = await membershipRefusal(ic, user.id, deps.acting);
      if (refusal) return passkeyRefused(ctx, ic, refusal, 403);
      return continueSignIn(ctx, ic, user, ['hwk', 'mfa']);
    },

    /** The first code of the authenticator app being set up. */
    async 'enrol-totp'(ctx, ic, form) {
      const found = await resume(ctx, ic, form, ['enrol']);
      if (!found) return;
      const wait = await accounts.throttle.perAddress('mfa_enrolment', ctx.ip);
      if (wait !== null) return showEnrolment(ctx, ic, found.user, found.pending.amr, { factorId: form.factor, error: 'Too many attempts. Try again later.' });
      const factor = await accounts.totp.confirm(found.user.id, form.factor, form.code);
      if (!factor) return showEnrolment(ctx, ic, found.user, found.pending.amr, { factorId: form.factor, error: 'That code is not right. Enter the code the app shows now.' });
      return enrolled(ctx, ic, found.user, factor, [...found.pending.amr, 'otp', 'mfa']);
    },

    async 'enrol-passkey-options'(ctx, ic, form) {
      const pending = deps.pending.read(ic.uid, form.pending, ['enrol']);
      const user = pending ? await deps.store.users.findById(pending.userId) : null;
      if (!user) return json(ctx, 400, { message: 'This sign-in step has expired. Sign in again.' });
      return json(ctx, 200, { options: await accounts.passkeys.registrationOptions(user, ic.uid) });
    },

    async 'enrol-passkey'(ctx, ic, form) {
      const found = await resume(ctx, ic, form, ['enrol']);
      if (!found) return;
      const outcome = await accounts.passkeys.register(found.user.id, form.response, ic.uid);
      if (!outcome.ok) return showEnrolment(ctx, ic, found.user, found.pending.amr, { factorId: '', error: 'The passkey could not be set up. Try again, or use an authenticator app.' });
      return enrolled(ctx, ic, found.user, outcome.factor, [...found.pending.amr, 'hwk', 'mfa']);
    },

    /** After the recovery codes were shown. */
    async continue(ctx, ic, form) {
      const found = await resume(ctx, ic, form, ['enrolled']);
      if (!found) return;
      if ((await accounts.factors.confirmed(found.user.id)).length === 0) return ic.send(ctx, stale());
      return finish(ctx, ic, found.user, found.pending.amr);
    },

    /** "Send the link again" on the verify-your-email-first page. */
    async resend(ctx, ic, form) {
      const found = await resume(ctx, ic, form, ['unverified']);
      if (!found) return;
      const wait = await accounts.throttle.perAddress('verification', ctx.ip);
      if (wait === null) await accounts.verification.resend(found.user.id);
      ic.send(ctx, verifyEmailFirstPage(stepContext(ic, found.pending), { email: found.user.email, sent: true }));
    },
  };

  const enrolled = async (ctx: Context, ic: InteractionContext, user: User, factor: Parameters<Accounts['factors']['enrolled']>[1], amr: string[]) => {
    count('mfa', 'enrolled');
    const codes = await accounts.factors.enrolled(user, factor, ctx.ip);
    if (!codes) return finish(ctx, ic, user, amr);
    ic.send(ctx, recoveryCodesPage(stepContext(ic, { uid: ic.uid, userId: user.id, stage: 'enrolled', amr }), codes));
  };

  const passkeyRefused = async (ctx: Context, ic: InteractionContext, error: string, status = 400) =>
    ic.send(ctx, showLogin(ic, { error, status, step: await firstStep(deps.federation) }, deps.config.accounts));

  return { continueSignIn, steps };
}
