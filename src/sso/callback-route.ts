import type { Middleware } from 'koa';
import { FEDERATED_RETURN_STEP } from '../oauth/interactions/federation.js';
import { send } from '../oauth/interactions/html.js';
import { errorPage, onwardPage } from '../oauth/interactions/pages.js';
import type { FederatedSignInState } from './sign-in-state.js';

/** The redirect URI registered with every identity provider (`<issuer>/sso/callback`). */
export const SSO_CALLBACK_PATH = '/sso/callback';

/**
 * Where identity providers send the browser back: one fixed URL for every organization (providers
 * register exact redirect URIs), leading on to the login interaction the sealed sign-in cookie
 * names, whose own cookie is scoped to its path. A page (not a redirect) so the way on is a fresh
 * navigation, free of the provider's login form's `form-action`; it checks nothing itself (the
 * interaction step checks everything) and never caches.
 */
export function ssoCallbackRoute(state: Pick<FederatedSignInState, 'peek'>): Middleware {
  return async (ctx, next) => {
    if (ctx.path !== SSO_CALLBACK_PATH) return next();
    if (ctx.method !== 'GET') {
      ctx.set('Allow', 'GET');
      return send(ctx, errorPage({ status: 405, title: 'Method not allowed', message: 'Identity providers answer here with a GET.' }));
    }
    const pending = state.peek(ctx);
    if (!pending) {
      return send(ctx, errorPage({
        status: 400, title: 'Sign-in expired',
        message: 'This sign-in was not started in this browser, was finished already, or took too long. Go back to the application and sign in again.',
      }));
    }
    send(ctx, onwardPage({
      title: 'Signing you in', message: 'You are back from your identity provider.', link: 'Continue',
      to: `/interaction/${encodeURIComponent(pending.uid)}/${FEDERATED_RETURN_STEP}${ctx.search}`,
    }));
  };
}
