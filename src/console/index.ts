import Router from '@koa/router';
import compose from 'koa-compose';
import type { Context, Middleware } from 'koa';
import { DEFAULT_PREFIX } from '../domain/api-keys/format.js';
import type { Secrets } from '../domain/secrets.js';
import type { FirstPartyClients } from '../oauth/first-party.js';
import type { ConsoleSessionStore } from '../store/ports.js';
import { GatehouseCalls } from './api/calls.js';
import type { RequestListener } from './api/dispatch.js';
import { FreshTokens } from './auth/fresh-tokens.js';
import { ConsoleOidcClient } from './auth/oidc.js';
import { endSession, finishSignIn, ORGANIZATION_REF, safeReturnTo, signInPage, startSignIn } from './auth/sign-in.js';
import { csrfAllows } from './http/csrf.js';
import { readForm } from './http/form.js';
import { messagePage, originOf, respond } from './http/respond.js';
import { orgPageHandler, type OrgPagesDeps } from './org-pages.js';
import { SECTIONS } from './sections/index.js';
import type { Section } from './sections/section.js';
import { ConsoleCookies } from './session/cookies.js';
import { ConsoleSessions } from './session/sessions.js';
import { ConsoleAssets } from './ui/assets.js';
import { pageOf, redirectTo } from './ui/view.js';

export interface ConsoleDeps {
  issuer: string;
  secrets: Secrets;
  store: { consoleSessions: ConsoleSessionStore };
  firstParty: FirstPartyClients;
  /** the app's own request listener, through which every API call goes (read at first use) */
  listener: () => RequestListener;
  sections?: readonly Section[];
  /** config `apiKeys.prefix` (default `ak`): how keys are shown */
  keyPrefix?: string;
}

/**
 * The console at `/console` (SPEC §8), a backend-for-frontend: server-rendered pages, a session
 * cookie for the browser and the tokens kept here, every action a call to the public API.
 */
export function createConsole(deps: ConsoleDeps): Middleware {
  const issuerOrigin = new URL(deps.issuer).origin;
  const calls = new GatehouseCalls(deps.listener, deps.issuer);
  const sessions = new ConsoleSessions(deps.store.consoleSessions, deps.secrets);
  const oidc = new ConsoleOidcClient(deps.issuer, calls, deps.firstParty);
  const cookies = new ConsoleCookies(deps.issuer);
  const assets = new ConsoleAssets();
  const sections = deps.sections ?? SECTIONS;
  const pageDeps: OrgPagesDeps = { secrets: deps.secrets, cookies, sessions, oidc, calls, assets, tokens: new FreshTokens(sessions, oidc), sections, issuer: deps.issuer, issuerOrigin, keyPrefix: deps.keyPrefix ?? DEFAULT_PREFIX };
  const load = (ctx: Context) => sessions.load(cookies.read(ctx, cookies.names.session));

  const router = new Router({ prefix: '/console' });
  router.get('/', async (ctx) => {
    const session = await load(ctx);
    const first = session?.data.orgs[0];
    respond(ctx, assets, first ? redirectTo(`/console/o/${first.slug}`) : signInPage(), null);
  });
  // `organization` (optional) names the one to sign in to; without it Gatehouse's picker asks
  router.get('/sign-in', async (ctx) => {
    const organization = typeof ctx.query.organization === 'string' && ctx.query.organization ? ctx.query.organization : null;
    if (organization !== null && !ORGANIZATION_REF.test(organization)) {
      return respond(ctx, assets, pageOf('Sign in', messagePage('No such organization', 'An organization is named by its slug or id.', { href: '/console/sign-in', text: 'Sign in' }), 400), null);
    }
    respond(ctx, assets, startSignIn(ctx, pageDeps, organization, safeReturnTo(ctx.query.return_to)), null);
  });
  router.get('/callback', async (ctx) => {
    respond(ctx, assets, await finishSignIn(ctx, pageDeps, await load(ctx)), null);
  });
  router.post('/sign-out', async (ctx) => {
    const session = await load(ctx);
    const form = await readForm(ctx);
    if (session && !csrfAllows(ctx, session.data.csrf, form.get('_csrf'), issuerOrigin)) {
      return respond(ctx, assets, pageOf('Refused', messagePage('Request refused', 'The form was not sent from this console.'), 403), null);
    }
    cookies.write(ctx, cookies.names.session, '', 0);
    if (!session) return respond(ctx, assets, redirectTo('/console/signed-out'), null);
    await endSession(originOf(ctx), pageDeps, session);
    // then end the person's Gatehouse session too (RP-initiated logout asks them to confirm)
    const params = new URLSearchParams({ client_id: oidc.clientId, post_logout_redirect_uri: `${deps.issuer}/console/signed-out` });
    respond(ctx, assets, redirectTo(`/session/end?${params}`), null);
  });
  router.get('/signed-out', (ctx) => {
    respond(ctx, assets, pageOf('Signed out', messagePage('You are signed out', 'Your console session has ended and its access was revoked.', { href: '/console', text: 'Sign in again' })), null);
  });
  router.all('/o/:org', orgPageHandler(pageDeps, load, null, null));
  for (const section of sections) {
    for (const route of section.routes) {
      const path = `/o/:org/${section.path}${route.path}`;
      const handler = orgPageHandler(pageDeps, load, section, route);
      if (route.method === 'GET') router.get(path, handler);
      else router.post(path, handler);
    }
  }
  const inner = compose([assets.middleware(), router.routes(), router.allowedMethods()] as Middleware[]);
  // everything under /console ends here: an unmatched path is the console's 404 page
  return async (ctx, next) => {
    if (ctx.path !== '/console' && !ctx.path.startsWith('/console/')) return next();
    await inner(ctx, async () => {});
    if (ctx.status === 404 && ctx.body == null) {
      respond(ctx, assets, pageOf('Not found', messagePage('Page not found', 'There is no console page at this address.', { href: '/console', text: 'Go to the console' }), 404), null);
    }
  };
}
