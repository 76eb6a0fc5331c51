import type { Context } from 'koa';
import type { InteractionResults } from 'oidc-provider';
import type { Config } from '../../config/schema.js';
import type { Identity } from '../../identity/index.js';
import type { Metrics } from '../../ops/metrics.js';
import type { Store } from '../../store/ports.js';
import type { ActingOrganizations } from '../acting-organization.js';
import { loginPage } from './pages.js';
import { actingInput, type InteractionContext } from './context.js';
import { takeLoginAttempt } from './login-throttle.js';

const GENERIC_FAILURE = 'Incorrect email or password.';
/** Why this account cannot use the client: the organization it was to act for, in words. */
function notMember(input: { multiOrganization: boolean; requested?: string }): string {
  const which = !input.multiOrganization ? 'the organization that runs this application'
    : input.requested ? 'the organization this application asked for' : 'any organization';
  return `This account does not belong to ${which}. Sign in with another account.`;
}

export interface LoginDeps {
  identity: Identity;
  store: Store;
  config: Config;
  acting: ActingOrganizations;
  /** counts sign-ins by outcome (`gatehouse_authentications_total{kind="password"}`) */
  metrics?: Metrics;
}

/** Renders the login form for this interaction. */
export function showLogin(ic: InteractionContext, extra: { email?: string; error?: string; status?: number } = {}) {
  return loginPage({ action: `/interaction/${ic.uid}/login`, csrf: ic.csrf, clientName: ic.clientName, formAction: ic.formAction, ...extra });
}

/**
 * POST of the login form: throttled per account and per IP before any password check, one
 * generic message for an unknown email and a wrong password, membership required (of the
 * client's organization, or for a multi-organization client of the one the request names, or of
 * any). Success finishes the login prompt and redirects back to /auth.
 */
export async function submitLogin(ctx: Context, ic: InteractionContext, form: Record<string, string>, deps: LoginDeps): Promise<void> {
  const email = (form.email ?? '').trim().toLowerCase().slice(0, 254);
  const password = (form.password ?? '').slice(0, 1024);
  const count = (outcome: string) => deps.metrics?.authentications.inc({ kind: 'password', outcome });
  const wait = await takeLoginAttempt(deps.store, deps.config.throttles, email, ctx.ip);
  if (wait !== null) {
    count('throttled');
    ctx.set('Retry-After', String(wait));
    return ic.send(ctx, showLogin(ic, {
      email, status: 429, error: `Too many sign-in attempts. Try again in ${Math.ceil(wait / 60)} minute(s).`,
    }));
  }
  const user = email && password ? await deps.identity.users.verifyPassword(email, password) : null;
  if (!user) {
    count('failed');
    return ic.send(ctx, showLogin(ic, { email, status: 200, error: GENERIC_FAILURE }));
  }
  const input = actingInput(ic, user.id);
  if ((await deps.acting.resolve(input)).kind === 'none') {
    count('not_member');
    return ic.send(ctx, showLogin(ic, { email, status: 403, error: notMember(input) }));
  }
  count('success');
  await deps.store.rateLimits.reset(`login:${email}`);
  const result: InteractionResults = { login: { accountId: user.id, amr: ['pwd'] } };
  await ic.finish(ctx, result);
}
