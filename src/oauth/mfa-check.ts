import { interactionPolicy } from 'oidc-provider';
import type { MfaRequirement } from '../accounts/mfa-requirement.js';
import type { ActingOrganizations } from './acting-organization.js';

/**
 * A check of the login prompt: a session that signed in without a second factor (its `amr` has
 * no `mfa`) signs in again when the organization this authorization acts for requires one (or,
 * while the person still has to choose, any of theirs does). So an organization's requirement
 * holds through every way in: another app's session, the organization picker (its choice is
 * checked again when the authorization resumes), the device flow and the console.
 */
export function mfaRequiredCheck(deps: { acting: ActingOrganizations; mfaRequirement: Pick<MfaRequirement, 'requiredByAny'> }) {
  const { Check } = interactionPolicy;
  return new Check('mfa_required', 'the organization requires a second factor and this session signed in without one', async (ctx) => {
    const session = ctx.oidc.session;
    const accountId = session?.accountId;
    if (!accountId || session.amr?.includes('mfa')) return Check.NO_NEED_TO_PROMPT;
    const acting = await deps.acting.forAccount(ctx, accountId);
    const ids = acting.kind === 'chosen' ? [acting.organizationId] : acting.kind === 'choose' ? acting.organizationIds : [];
    return (await deps.mfaRequirement.requiredByAny(ids)) ? Check.REQUEST_PROMPT : Check.NO_NEED_TO_PROMPT;
  });
}
