import { createHash, createHmac } from 'node:crypto';
import type { Context, Middleware } from 'koa';
import type { Config } from '../../config/schema.js';
import type { AcceptOutcome, Invitations, OpenInvitation } from '../../identity/invitations.js';
import type { Metrics } from '../../ops/metrics.js';
import type { Store } from '../../store/ports.js';
import { CsrfTokens, readForm } from './form.js';
import { send } from './html.js';
import { invitationPage, joinedPage } from './invitation-pages.js';
import { takeLoginAttempt } from './login-throttle.js';
import { errorPage } from './pages.js';

/** Where a mailed invitation link leads (`/invitation?token=…`); its forms post back here. */
export const INVITATION_PATH = '/invitation';

export interface InvitationRoutesDeps {
  invitations: Invitations;
  store: Pick<Store, 'rateLimits'>;
  config: Pick<Config, 'throttles'>;
  /** the interaction pages' CSRF key; invitation tokens get a key derived from it */
  csrfKey: Buffer;
  metrics?: Metrics;
}

const unavailable = () => errorPage({
  status: 404, title: 'Invitation unavailable',
  message: 'This invitation link is not valid: it was used already, revoked, or it expired. Ask for a new invitation.',
});

const FAILURES: Record<Exclude<AcceptOutcome, { ok: true }>['reason'], { form: 'signin' | 'signup'; message: string; status: number }> = {
  invalid_link: { form: 'signin', message: '', status: 404 },
  wrong_password: { form: 'signin', message: 'Incorrect password for this email.', status: 200 },
  account_exists: { form: 'signup', message: 'This email has an account already: sign in with its password above.', status: 200 },
  already_member: { form: 'signin', message: '', status: 200 },
  bad_password: { form: 'signup', message: '', status: 400 },
};

/**
 * The invitation page, beside the login and consent pages and under the same rules: no script,
 * a CSRF token bound to the invitation, framing forbidden, never cached, and every password
 * attempt taken from the login throttles (per address and per account), so this page is no way
 * around them.
 */
export function invitationRoutes(deps: InvitationRoutesDeps): Middleware {
  const csrf = new CsrfTokens(createHmac('sha256', deps.csrfKey).update('invitation pages').digest());
  const bindingOf = (token: string) => createHash('sha256').update(token).digest('base64url');
  const count = (outcome: string) => deps.metrics?.authentications.inc({ kind: 'invitation', outcome });

  const show = (ctx: Context, link: OpenInvitation, token: string, error?: { form: 'signin' | 'signup'; message: string; status: number }) =>
    send(ctx, invitationPage({
      action: INVITATION_PATH, csrf: csrf.issue(bindingOf(token)), token, organizationName: link.organization.name,
      email: link.invitation.email, error, status: error?.status,
    }));

  const submit = async (ctx: Context) => {
    const form = await readForm(ctx);
    const token = form.token ?? '';
    if (!csrf.check(bindingOf(token), form.csrf)) {
      return send(ctx, errorPage({ status: 403, title: 'Request refused', message: 'The form was not submitted from the invitation page. Open the link again.' }));
    }
    const link = await deps.invitations.open(token);
    if (!link) return send(ctx, unavailable());
    const mode = form.mode === 'signup' ? 'signup' : 'signin';
    const wait = await takeLoginAttempt(deps.store, deps.config.throttles, link.invitation.email, ctx.ip);
    if (wait !== null) {
      count('throttled');
      ctx.set('Retry-After', String(wait));
      return show(ctx, link, token, { form: mode, status: 429, message: `Too many attempts. Try again in ${Math.ceil(wait / 60)} minute(s).` });
    }
    const password = (form.password ?? '').slice(0, 1024);
    if (mode === 'signup' && password !== form.confirm) {
      return show(ctx, link, token, { form: 'signup', status: 400, message: 'The two passwords differ.' });
    }
    const outcome = mode === 'signup'
      ? await deps.invitations.acceptNewAccount(token, password)
      : await deps.invitations.acceptSignedIn(token, password);
    count(outcome.ok ? 'success' : outcome.reason);
    if (outcome.ok) {
      await deps.store.rateLimits.reset(`login:${link.invitation.email}`);
      return send(ctx, joinedPage(outcome.organization.name));
    }
    if (outcome.reason === 'invalid_link') return send(ctx, unavailable());
    if (outcome.reason === 'already_member') return send(ctx, joinedPage(link.organization.name));
    const failure = FAILURES[outcome.reason];
    return show(ctx, link, token, { ...failure, message: outcome.reason === 'bad_password' ? outcome.message : failure.message });
  };

  return async (ctx, next) => {
    if (ctx.path !== INVITATION_PATH) return next();
    if (ctx.method === 'POST') return submit(ctx);
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') {
      ctx.set('Allow', 'GET, HEAD, POST');
      return send(ctx, errorPage({ status: 405, title: 'Method not allowed', message: 'Open the link from your invitation mail.' }));
    }
    const token = typeof ctx.query.token === 'string' ? ctx.query.token : '';
    const link = await deps.invitations.open(token);
    if (!link) return send(ctx, unavailable());
    return show(ctx, link, token);
  };
}
