import { interactionPolicy } from 'oidc-provider';
import type { FederatedSignIn } from './interactions/federation.js';

/**
 * A check of the login prompt: a session that did not sign in through an identity provider (its
 * `amr` has no `fed`) signs in again when the person's organization requires single sign-on for
 * their email's domain. So a requirement switched on holds for sessions made before it, at the
 * next authorization of any app, the console and the device flow included.
 */
export function ssoRequiredCheck(federation: Pick<FederatedSignIn, 'requiredForAccount'>) {
  const { Check } = interactionPolicy;
  return new Check('sso_required', 'the organization requires single sign-on and this session signed in without it', async (ctx) => {
    const session = ctx.oidc.session;
    const accountId = session?.accountId;
    if (!accountId || session.amr?.includes('fed')) return Check.NO_NEED_TO_PROMPT;
    return (await federation.requiredForAccount(accountId)) ? Check.REQUEST_PROMPT : Check.NO_NEED_TO_PROMPT;
  });
}
