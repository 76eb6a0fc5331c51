import type { Context } from 'koa';
import type { Secrets } from '../../domain/secrets.js';
import { html } from '../../oauth/interactions/html.js';
import { originOf, messagePage } from '../http/respond.js';
import type { ConsoleCookies } from '../session/cookies.js';
import type { ConsoleSessions, LoadedSession, OrgAccess } from '../session/sessions.js';
import { CONSOLE_TIMES } from '../settings.js';
import { pageOf, redirectTo, type Outcome } from '../ui/view.js';
import { pkce, type ConsoleOidcClient } from './oidc.js';
import type { GatehouseCalls } from '../api/calls.js';

/** A sign-in in flight, kept sealed in a short-lived HttpOnly cookie until the callback. */
interface Attempt {
  state: string;
  verifier: string;
  nonce: string;
  /** the organization the request named (slug or id), if any */
  organization: string | null;
  returnTo: string | null;
  /** ms epoch */
  exp: number;
}

/** The form of an organization id or slug the authorization endpoint accepts in `organization`. */
export const ORGANIZATION_REF = /^[a-z0-9][a-z0-9_-]{0,63}$/;
const ATTEMPT_CONTEXT = 'console-sign-in';

/** A path inside the console to come back to after signing in; anything else is dropped. */
export function safeReturnTo(value: unknown): string | null {
  return typeof value === 'string' && /^\/console(\/[A-Za-z0-9._~!$&'()*+,;=:@%/?-]*)?$/.test(value) && !value.includes('//') && value.length < 500 ? value : null;
}

export interface SignInDeps {
  secrets: Secrets;
  cookies: ConsoleCookies;
  sessions: ConsoleSessions;
  oidc: ConsoleOidcClient;
  calls: GatehouseCalls;
}

/** The signed-out landing page: one button; Gatehouse asks who and, for people in several organizations, which one. */
export function signInPage(): Outcome {
  return pageOf('Sign in', html`<section class="panel narrow">
<h1 id="page-title">Sign in to the console</h1>
<p class="lead">Manage your organization's API keys, members, roles, OAuth apps, connected apps, webhooks and audit log.</p>
<form method="get" action="/console/sign-in">
<button type="submit" class="button primary">Sign in</button>
</form>
<p class="muted">If you belong to several organizations, you choose one after signing in, and can switch at any time.</p>
</section>`);
}

/**
 * Starts a sign-in: PKCE verifier, state and nonce sealed in the sign-in cookie, then the
 * authorization endpoint, naming `organization` when the console knows which one (a link to
 * one of its pages, the switcher); without it Gatehouse's picker asks.
 */
export function startSignIn(ctx: Context, deps: SignInDeps, organization: string | null, returnTo: string | null): Outcome {
  const { verifier, challenge } = pkce();
  const request = deps.oidc.authorization(organization, challenge);
  const attempt: Attempt = { state: request.state, verifier, nonce: request.nonce, organization, returnTo, exp: Date.now() + CONSOLE_TIMES.signInSeconds * 1000 };
  deps.cookies.write(ctx, deps.cookies.names.signIn, deps.secrets.seal(JSON.stringify(attempt), ATTEMPT_CONTEXT), CONSOLE_TIMES.signInSeconds);
  return redirectTo(request.url);
}

function readAttempt(ctx: Context, deps: SignInDeps): Attempt | null {
  const sealed = deps.cookies.read(ctx, deps.cookies.names.signIn);
  if (!sealed) return null;
  try {
    const attempt = JSON.parse(deps.secrets.unseal(sealed, ATTEMPT_CONTEXT)) as Attempt;
    return attempt.exp > Date.now() ? attempt : null;
  } catch {
    return null;
  }
}

const failed = (message: string, status = 400): Outcome => pageOf('Sign-in failed', messagePage('Sign-in did not complete', message, { href: '/console', text: 'Try again' }), status);

/**
 * The authorization response: the state must match the sign-in cookie of this browser (so no one
 * can sign a person into someone else's session), the code is redeemed with the PKCE verifier,
 * and a new session is made with a fresh cookie value. The organizations of an earlier session of
 * the same person carry over (its record is deleted); another person's earlier session ends.
 */
export async function finishSignIn(ctx: Context, deps: SignInDeps, previous: LoadedSession | null): Promise<Outcome> {
  const attempt = readAttempt(ctx, deps);
  deps.cookies.write(ctx, deps.cookies.names.signIn, '', 0);
  const state = String(ctx.query.state ?? '');
  if (!attempt || state !== attempt.state) return failed('This sign-in was started in another browser or has expired.');
  if (ctx.query.error) return failed(String(ctx.query.error_description ?? ctx.query.error).slice(0, 300), 403);
  const origin = originOf(ctx);
  const outcome = await deps.oidc.redeem(origin, String(ctx.query.code ?? ''), attempt.verifier, attempt.nonce);
  if (!outcome.ok) return failed('The authorization server did not accept the sign-in.');
  const { tokens } = outcome;
  const org = await deps.calls.json<{ slug?: string; name?: string }>(origin, 'GET', `/v1/organizations/${tokens.orgId}`, tokens.accessToken);
  // reading the organization needs organizations:read; else the slug the request named (the
  // token acts for the organization it resolved to; slugs have no `_`, ids do), else the id
  const named = attempt.organization && !attempt.organization.includes('_') ? attempt.organization : null;
  const slug = org.status === 200 && org.body.slug ? org.body.slug : named ?? tokens.orgId;
  const access: OrgAccess = {
    orgId: tokens.orgId, slug, name: org.status === 200 && org.body.name ? org.body.name : slug,
    accessToken: tokens.accessToken, refreshToken: tokens.refreshToken, accessExpiresAt: tokens.accessExpiresAt, permissions: tokens.permissions,
  };
  const samePerson = previous?.data.userId === tokens.userId;
  if (previous && !samePerson) await endSession(origin, deps, previous);
  const kept = samePerson ? previous.data.orgs.filter((o) => o.orgId !== access.orgId) : [];
  // signing in again to an organization the session held: the grant it replaces ends now
  const replaced = samePerson ? previous.data.orgs.find((o) => o.orgId === access.orgId)?.refreshToken : null;
  if (replaced) await deps.oidc.revoke(origin, replaced);
  const email = (await deps.oidc.email(origin, tokens.accessToken)) ?? (samePerson ? previous.data.email : '');
  const { cookie } = await deps.sessions.create({ userId: tokens.userId, email, orgs: [access, ...kept] });
  if (samePerson) await deps.sessions.destroy(previous.id);
  deps.cookies.write(ctx, deps.cookies.names.session, cookie, CONSOLE_TIMES.absoluteSeconds);
  return redirectTo(attempt.returnTo ?? `/console/o/${encodeURIComponent(slug)}`);
}

/** Ends a session: every grant it holds is revoked (its refresh tokens die), then the record. */
export async function endSession(origin: ReturnType<typeof originOf>, deps: Pick<SignInDeps, 'oidc' | 'sessions'>, session: LoadedSession): Promise<void> {
  await Promise.all(session.data.orgs.map((o) => (o.refreshToken ? deps.oidc.revoke(origin, o.refreshToken) : Promise.resolve(true))));
  await deps.sessions.destroy(session.id);
}
