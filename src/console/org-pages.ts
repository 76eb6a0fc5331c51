import type { Context } from 'koa';
import type { GatehouseCalls } from './api/calls.js';
import type { Origin } from './api/dispatch.js';
import type { FreshTokens } from './auth/fresh-tokens.js';
import { endSession, ORGANIZATION_REF, safeReturnTo, startSignIn, type SignInDeps } from './auth/sign-in.js';
import { csrfAllows } from './http/csrf.js';
import { readForm, type FormFields } from './http/form.js';
import { messageOutcome, messagePage, originOf, respond } from './http/respond.js';
import type { LoadedSession, OrgAccess } from './session/sessions.js';
import type { OrgApi, OrgPage, Section, SectionRoute } from './sections/section.js';
import type { ConsoleAssets } from './ui/assets.js';
import type { Chrome } from './ui/layout.js';
import { pageOf, redirectTo, type Outcome } from './ui/view.js';

export interface OrgPagesDeps extends SignInDeps {
  assets: ConsoleAssets;
  tokens: FreshTokens;
  calls: GatehouseCalls;
  sections: readonly Section[];
  issuer: string;
  issuerOrigin: string;
  keyPrefix: string;
}

const findAccess = (session: LoadedSession | null, org: string): OrgAccess | null =>
  session?.data.orgs.find((o) => o.slug === org || o.orgId === org) ?? null;

const shows = (section: Section, access: OrgAccess) => section.permission === null || access.permissions.includes(section.permission);

function chromeOf(session: LoadedSession, access: OrgAccess, sections: readonly Section[], current: Section | null): Chrome {
  const base = `/console/o/${access.slug}`;
  return {
    email: session.data.email, csrf: session.data.csrf,
    current: { slug: access.slug, name: access.name },
    orgs: session.data.orgs.map((o) => ({ slug: o.slug, name: o.name })),
    nav: sections.filter((s) => shows(s, access))
      .map((s) => ({ title: s.title, href: `${base}/${s.path}`, current: s === current })),
  };
}

/** The management API below `base` with the person's token; notes a 401 (the token no longer works). */
function apiAt(calls: GatehouseCalls, origin: Origin, base: string, access: OrgAccess, onUnauthorized: () => void): OrgApi {
  const call = async <T>(method: string, path: string, body?: unknown) => {
    const answer = await calls.json<T>(origin, method, `${base}${path}`, access.accessToken, body);
    if (answer.status === 401) onUnauthorized();
    return answer;
  };
  return {
    get: (path) => call('GET', path),
    post: (path, body) => call('POST', path, body ?? {}),
    patch: (path, body) => call('PATCH', path, body),
    delete: (path, body) => call('DELETE', path, body),
  };
}

/**
 * Serves one organization's pages: the session must hold that organization (else, for a page
 * view, a sign-in to it starts, silent while the person's Gatehouse session lasts); a form must
 * carry the session's CSRF token; the access token is refreshed when due; the section decides
 * the rest, calling the API with the person's token.
 */
export function orgPageHandler(deps: OrgPagesDeps, load: (ctx: Context) => Promise<LoadedSession | null>, section: Section | null, route: SectionRoute | null) {
  return async (ctx: Context): Promise<void> => {
    const send = (outcome: Outcome, chrome: Chrome | null = null) => respond(ctx, deps.assets, outcome, chrome);
    const orgParam = String(ctx.params.org);
    if (!ORGANIZATION_REF.test(orgParam)) return;
    const isRead = ctx.method === 'GET' || ctx.method === 'HEAD';
    let session = await load(ctx);
    const access = findAccess(session, orgParam);
    const signInAgain = () => (isRead
      ? send(startSignIn(ctx, deps, orgParam, safeReturnTo(ctx.originalUrl)))
      : send(messageOutcome('Signed out', 'Your session has ended', 'Sign in again, then repeat what you were doing.', 401, { href: `/console/o/${encodeURIComponent(orgParam)}`, text: 'Sign in' })));
    if (!session || !access) return signInAgain();

    let form: FormFields | null = null;
    if (!isRead) {
      form = await readForm(ctx);
      if (!csrfAllows(ctx, session.data.csrf, form.get('_csrf'), deps.issuerOrigin)) {
        return send(messageOutcome('Refused', 'Request refused', 'The form was not sent from this console. Reload the page and try again.', 403));
      }
    }
    const origin = originOf(ctx);
    const fresh = await deps.tokens.get(origin, session, access.orgId);
    if (!fresh.session || !fresh.access) return signInAgain();
    session = await deps.sessions.touch(fresh.session);
    const current = fresh.access;
    const chrome = chromeOf(session, current, deps.sections, section);

    if (!section || !route) {
      const first = chrome.nav[0];
      return send(first ? redirectTo(first.href) : pageOf('Nothing here', messagePage('Nothing to show', 'Your roles in this organization give you access to none of the console\'s pages.')), chrome);
    }
    if (!shows(section, current)) {
      return send(messageOutcome('Not allowed', 'Not allowed', `Your roles in ${current.name} do not include ${section.permission}.`, 403), chrome);
    }
    let unauthorized = false;
    let ended = false;
    const onUnauthorized = () => { unauthorized = true; };
    const page: OrgPage = {
      ctx, org: { id: current.orgId, slug: current.slug, name: current.name }, me: { userId: session.data.userId, email: session.data.email },
      can: (p) => current.permissions.includes(p), permissions: current.permissions, csrf: session.data.csrf,
      base: `/console/o/${current.slug}`, issuer: deps.issuer, keyPrefix: deps.keyPrefix, api: apiAt(deps.calls, origin, `/v1/organizations/${current.orgId}`, current, onUnauthorized),
      account: apiAt(deps.calls, origin, '/v1/me', current, onUnauthorized),
      form, params: ctx.params, query: ctx.query as Record<string, string | undefined>,
      renamed: async (name) => {
        await deps.sessions.change(session!, (d) => ({ ...d, orgs: d.orgs.map((o) => (o.orgId === current.orgId ? { ...o, name } : o)) }));
      },
      endSession: async () => {
        ended = true;
        deps.cookies.write(ctx, deps.cookies.names.session, '', 0);
        await endSession(origin, deps, (await deps.sessions.reload(session!.id)) ?? session!);
      },
    };
    const outcome = await route.handle(page);
    if (ended) return send(outcome);
    if (unauthorized) {
      // the token stopped working (grant revoked, person disabled or removed): drop it and sign in again
      await deps.sessions.change(session, (d) => ({ ...d, orgs: d.orgs.filter((o) => o.orgId !== current.orgId) }));
      return signInAgain();
    }
    send(outcome, chrome);
  };
}
