import { html } from '../../../oauth/interactions/html.js';
import { problemOf, type Problem } from '../../api/calls.js';
import { field } from '../../ui/forms.js';
import { redirectTo, type Outcome } from '../../ui/view.js';
import type { OrgPage } from '../section.js';
import { apiFailure, confirmation } from '../shared.js';
import { currentPasswordField, FACTOR_TYPES, passwordFormProblems, SECURITY, type AccountJson } from './model.js';
import { recoveryCodesShown } from './recovery-codes.js';

const factorPath = (page: OrgPage) => `${SECURITY}/factors/${encodeURIComponent(page.params.id)}/remove`;
const passwordFields = (problem: Problem | null) => field(currentPasswordField('confirm-password', passwordFormProblems(problem).get('current_password'), true));

/** Asks before removing a factor, with the current password (the API asks for it); the last factor takes the recovery codes with it. */
export async function confirmRemoveFactor(page: OrgPage, problem: Problem | null = null): Promise<Outcome> {
  const answer = await page.account.get<AccountJson>('');
  if (answer.status !== 200) return apiFailure('Remove factor', problemOf(answer));
  const { factors } = answer.body.mfa;
  const factor = factors.find((f) => f.id === page.params.id);
  if (!factor) return apiFailure('Remove factor', { status: 404, detail: 'You have no such second factor.' });
  const last = factors.length === 1;
  return confirmation(page, {
    title: 'Remove factor', question: `Remove ${FACTOR_TYPES[factor.type].toLowerCase()} “${factor.name}”?`, submit: 'Remove factor',
    action: factorPath(page), back: SECURITY, problem, fields: passwordFields(problem),
    body: html`<p>${last
      ? 'It is your only second factor: two-step verification turns off and your recovery codes stop working. An organization that requires two-step verification asks you to set it up again at your next sign-in.'
      : 'You can no longer sign in with it.'}</p>`,
  });
}

/** `DELETE /v1/me/factors/{id}` `{current_password}`. */
export async function removeFactor(page: OrgPage): Promise<Outcome> {
  const answer = await page.account.delete(`/factors/${encodeURIComponent(page.params.id)}`, { current_password: page.form!.get('current_password') });
  return answer.status === 204 ? redirectTo(`${page.base}${SECURITY}?done=removed`) : confirmRemoveFactor(page, problemOf(answer));
}

/** Asks before replacing the recovery codes, with the current password. */
export function confirmNewRecoveryCodes(page: OrgPage, problem: Problem | null = null): Outcome {
  return confirmation(page, {
    title: 'New recovery codes', question: 'Generate new recovery codes?', submit: 'Generate new codes',
    action: `${SECURITY}/recovery-codes`, back: SECURITY, problem, fields: passwordFields(problem),
    body: html`<p>You get ten new codes, shown once. Your current codes stop working at once.</p>`,
  });
}

/** `POST /v1/me/recovery-codes` `{current_password}`: the new codes, once. */
export async function newRecoveryCodes(page: OrgPage): Promise<Outcome> {
  const answer = await page.account.post<{ recovery_codes: string[] }>('/recovery-codes', { current_password: page.form!.get('current_password') });
  if (answer.status !== 200) return confirmNewRecoveryCodes(page, problemOf(answer));
  return recoveryCodesShown(page, answer.body.recovery_codes, 'New recovery codes', 'Your earlier recovery codes no longer work.');
}
