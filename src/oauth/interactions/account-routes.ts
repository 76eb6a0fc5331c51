import { createHmac } from 'node:crypto';
import type { Context, Middleware } from 'koa';
import type { Accounts } from '../../accounts/index.js';
import { tokenDigest } from '../../accounts/links.js';
import { FORGOT_PASSWORD_PATH, RESET_PASSWORD_PATH } from '../../accounts/password-reset.js';
import { VERIFY_EMAIL_PATH } from '../../accounts/verification.js';
import { emailProblem, normalizeEmail } from '../../identity/validation.js';
import type { Metrics } from '../../ops/metrics.js';
import {
  checkMailPage, confirmLinkPage, forgotPasswordPage, newPasswordPage, outcomePage, resetLinkSentPage, signupPage,
} from './account-pages.js';
import { BrowserCsrf } from './browser-csrf.js';
import { CsrfTokens, readForm } from './form.js';
import { html, send, type RenderedPage } from './html.js';
import { errorPage } from './pages.js';

/** The sign-up page (linked from the login page when `accounts.selfSignup` is on). */
export const SIGNUP_PATH = '/signup';

export interface AccountRoutesDeps {
  accounts: Accounts;
  /** the interaction pages' CSRF key; these pages' keys are derived from it */
  csrfKey: Buffer;
  metrics?: Metrics;
}

const INTERACTION = /^[A-Za-z0-9_-]{1,64}$/;
const interactionOf = (value: unknown) => (typeof value === 'string' && INTERACTION.test(value) ? value : undefined);
const derive = (key: Buffer, label: string) => createHmac('sha256', key).update(label).digest();

const refused = () => errorPage({ status: 403, title: 'Request refused', message: 'The form was not submitted from this page. Open the page again and retry.' });
const unavailable = () => errorPage({
  status: 404, title: 'Link unavailable', message: 'This link is not valid: it was used already, replaced by a newer one, or it expired. Ask for a new one.',
});
const tooMany = (ctx: Context, wait: number) => {
  ctx.set('Retry-After', String(wait));
  return errorPage({ status: 429, title: 'Too many requests', message: `Too many requests from this address. Try again in ${Math.ceil(wait / 60)} minute(s).` });
};

/**
 * The account pages beside the login page, under its rules (no script, CSRF, never cached, no
 * framing, throttled per address, no answer that tells whether an email has an account):
 * `/signup`, `/verify-email`, `/password/forgot`, `/password/reset`. A mailed link's page (GET)
 * only shows a button: using the link takes a POST, so a mail scanner that follows links
 * spends nothing.
 */
export function accountRoutes(deps: AccountRoutesDeps): Middleware {
  const { accounts } = deps;
  const browserCsrf = new BrowserCsrf(derive(deps.csrfKey, 'account pages'));
  const linkCsrf = new CsrfTokens(derive(deps.csrfKey, 'account links'));
  const count = (kind: string, outcome: string) => deps.metrics?.authentications.inc({ kind, outcome });

  /** A link page's POST: its CSRF token bound to the link, the address budget, then `use`. */
  const linkPost = async (ctx: Context, use: (token: string, form: Record<string, string>) => Promise<RenderedPage>) => {
    const form = await readForm(ctx);
    const token = form.token ?? '';
    if (!linkCsrf.check(tokenDigest(token), form.csrf)) return send(ctx, refused());
    const wait = await accounts.throttle.perAddress('link', ctx.ip);
    if (wait !== null) return send(ctx, tooMany(ctx, wait));
    return send(ctx, await use(token, form));
  };

  const signup = {
    get(ctx: Context) {
      if (!accounts.settings.selfSignup) return send(ctx, errorPage({ status: 404, title: 'Sign-up closed', message: 'New accounts are made by invitation here. Ask an administrator of your organization.' }));
      send(ctx, signupPage({ action: SIGNUP_PATH, csrf: browserCsrf.issue(ctx), values: { requireMfa: true }, errors: {}, interaction: interactionOf(ctx.query.interaction) }));
    },
    async post(ctx: Context) {
      if (!accounts.settings.selfSignup) return signup.get(ctx);
      const form = await readForm(ctx);
      if (!browserCsrf.check(ctx, form.csrf)) return send(ctx, refused());
      const interaction = interactionOf(form.interaction);
      const input = { email: form.email ?? '', password: form.password ?? '', organizationName: form.organization ?? '', requireMfa: form.require_mfa === 'yes' };
      const values = { email: input.email, organization: input.organizationName, requireMfa: input.requireMfa };
      const wait = await accounts.throttle.perAddress('signup', ctx.ip);
      if (wait !== null) {
        ctx.set('Retry-After', String(wait));
        return send(ctx, signupPage({ action: SIGNUP_PATH, csrf: browserCsrf.issue(ctx), values, errors: {}, interaction, status: 429,
          formError: `Too many sign-ups from this address. Try again in ${Math.ceil(wait / 60)} minute(s).` }));
      }
      const problems = accounts.signup.problems(input);
      if (problems.length) {
        const errors = Object.fromEntries(problems.map((p) => [p.field, `The ${p.field === 'organization' ? 'organization name' : p.field} ${p.message}.`]));
        return send(ctx, signupPage({ action: SIGNUP_PATH, csrf: browserCsrf.issue(ctx), values, errors, interaction, status: 400 }));
      }
      await accounts.signup.submit(input, ctx.ip);
      count('signup', 'submitted');
      send(ctx, checkMailPage({ email: normalizeEmail(input.email), interaction }));
    },
  };

  const verify = {
    async get(ctx: Context) {
      const token = typeof ctx.query.token === 'string' ? ctx.query.token : '';
      const user = await accounts.verification.open(token);
      if (!user) return send(ctx, unavailable());
      send(ctx, confirmLinkPage({
        title: 'Confirm your email address', lead: html`Confirm that <strong>${user.email}</strong> is your address.`,
        action: VERIFY_EMAIL_PATH, csrf: linkCsrf.issue(tokenDigest(token)), token, button: 'Confirm my address',
      }));
    },
    post: (ctx: Context) => linkPost(ctx, async (token) => {
      const user = await accounts.verification.confirm(token, ctx.ip);
      count('email_verification', user ? 'success' : 'invalid_link');
      return user ? outcomePage({ title: 'Email address confirmed', message: html`<strong>${user.email}</strong> is confirmed. You can sign in now.` }) : unavailable();
    }),
  };

  const forgot = {
    get(ctx: Context) {
      send(ctx, forgotPasswordPage({ action: FORGOT_PASSWORD_PATH, csrf: browserCsrf.issue(ctx), errors: {}, interaction: interactionOf(ctx.query.interaction) }));
    },
    async post(ctx: Context) {
      const form = await readForm(ctx);
      if (!browserCsrf.check(ctx, form.csrf)) return send(ctx, refused());
      const interaction = interactionOf(form.interaction);
      const email = normalizeEmail((form.email ?? '').slice(0, 254));
      const wait = await accounts.throttle.perAddress('password_reset', ctx.ip);
      if (wait !== null) {
        ctx.set('Retry-After', String(wait));
        return send(ctx, forgotPasswordPage({ action: FORGOT_PASSWORD_PATH, csrf: browserCsrf.issue(ctx), email, errors: {}, interaction, status: 429,
          formError: `Too many requests from this address. Try again in ${Math.ceil(wait / 60)} minute(s).` }));
      }
      if (emailProblem(email)) {
        return send(ctx, forgotPasswordPage({ action: FORGOT_PASSWORD_PATH, csrf: browserCsrf.issue(ctx), email, errors: { email: 'Enter an email address such as ada@example.com.' }, interaction, status: 400 }));
      }
      await accounts.passwordReset.request(email);
      count('password_reset', 'requested');
      send(ctx, resetLinkSentPage({ email, interaction }));
    },
  };

  const reset = {
    async get(ctx: Context) {
      const token = typeof ctx.query.token === 'string' ? ctx.query.token : '';
      const user = await accounts.passwordReset.open(token);
      if (!user) return send(ctx, unavailable());
      send(ctx, newPasswordPage({ action: RESET_PASSWORD_PATH, csrf: linkCsrf.issue(tokenDigest(token)), token, email: user.email, errors: {} }));
    },
    post: (ctx: Context) => linkPost(ctx, async (token, form) => {
      const user = await accounts.passwordReset.open(token);
      if (!user) return unavailable();
      const again = (errors: Record<string, string>) => newPasswordPage({ action: RESET_PASSWORD_PATH, csrf: linkCsrf.issue(tokenDigest(token)), token, email: user.email, errors, status: 400 });
      if ((form.password ?? '') !== (form.confirm ?? '')) return again({ confirm: 'The two passwords differ.' });
      const outcome = await accounts.passwordReset.complete(token, form.password ?? '', ctx.ip);
      count('password_reset', outcome.ok ? 'success' : outcome.reason);
      if (!outcome.ok) return outcome.reason === 'bad_password' ? again({ password: outcome.message }) : unavailable();
      return outcomePage({ title: 'Password changed', message: 'Your new password is set, and you were signed out everywhere. Sign in with it now.' });
    }),
  };

  const routes: Record<string, { get(ctx: Context): unknown; post(ctx: Context): Promise<unknown> }> = {
    [SIGNUP_PATH]: signup, [VERIFY_EMAIL_PATH]: verify, [FORGOT_PASSWORD_PATH]: forgot, [RESET_PASSWORD_PATH]: reset,
  };

  return async (ctx, next) => {
    const route = Object.hasOwn(routes, ctx.path) ? routes[ctx.path] : undefined;
    if (!route) return next();
    if (ctx.method === 'POST') return route.post(ctx);
    if (ctx.method === 'GET' || ctx.method === 'HEAD') return route.get(ctx);
    ctx.set('Allow', 'GET, HEAD, POST');
    send(ctx, errorPage({ status: 405, title: 'Method not allowed', message: 'Use the form on this page.' }));
  };
}
