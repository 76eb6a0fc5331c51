import { html, type Raw } from '../../../oauth/interactions/html.js';
import { problemOf, type Problem } from '../../api/calls.js';
import { csrfField, field } from '../../ui/forms.js';
import { jsonOf, redirectTo, type Outcome } from '../../ui/view.js';
import type { OrgPage } from '../section.js';
import { currentPasswordField, SECURITY, type EnrolledJson } from './model.js';
import { recoveryCodesShown } from './recovery-codes.js';

/** The WebAuthn ceremony (the sign-in pages' script, among the console's assets), which the security page loads. */
export const PASSKEY_SCRIPT = 'webauthn.js';

/**
 * The passkey form, enhanced by the WebAuthn ceremony script (hidden until it runs: the
 * ceremony needs script): it posts the form to `…/passkeys/options` for the options, runs
 * `navigator.credentials.create`, then submits the form with the browser's answer in `response`.
 * Problems (a wrong password, a cancelled ceremony) land in the form's alert.
 */
export function passkeyForm(page: OrgPage, problem: Problem | null): Raw {
  return html`<form method="post" action="${page.base}${SECURITY}/passkeys" data-webauthn="register" data-options="${page.base}${SECURITY}/passkeys/options" class="form-panel" hidden novalidate>
${csrfField(page.csrf)}<input type="hidden" name="response" value="">
${field({ id: 'passkey-name', name: 'name', label: 'Passkey name', hint: 'To tell your passkeys apart, e.g. Work laptop.', attrs: 'maxlength="64" autocomplete="off"' })}
${field(currentPasswordField('passkey-password', undefined))}
<div class="alert" role="alert" id="passkey-error">${problem ? (problem.detail ?? 'The passkey could not be added.') : ''}</div>
<div class="form-actions"><button type="submit" class="button primary">Add passkey</button></div>
</form>
<p class="hint">Adding a passkey needs a browser that supports passkeys, with JavaScript on.</p>`;
}

/**
 * `POST /v1/me/factors/passkeys/options`, for the script: `{options}`, or `{message}` with the
 * API's status (a wrong current password is a 403).
 */
export async function passkeyOptions(page: OrgPage): Promise<Outcome> {
  const answer = await page.account.post<{ options: unknown }>('/factors/passkeys/options', { current_password: page.form!.get('current_password') });
  if (answer.status === 200) return jsonOf(200, { options: answer.body.options });
  return jsonOf(answer.status, { message: problemOf(answer).detail ?? 'Passkeys cannot be added right now.' });
}

/**
 * `POST /v1/me/factors/passkeys` with the browser's answer; with the person's first factor, the
 * recovery codes, once. A refusal (an answer that does not verify, a passkey registered already)
 * is shown in the passkey form.
 */
export async function registerPasskey(page: OrgPage, showWith: (problem: Problem) => Promise<Outcome>): Promise<Outcome> {
  const f = page.form!;
  let response: unknown;
  try {
    response = JSON.parse(f.get('response'));
  } catch {
    response = null;
  }
  const name = f.get('name').trim();
  const answer = await page.account.post<EnrolledJson>('/factors/passkeys', { response, ...(name ? { name } : {}) });
  if (answer.status !== 201) return showWith(problemOf(answer));
  const codes = answer.body.recovery_codes;
  return codes ? recoveryCodesShown(page, codes, 'Two-step verification is on', `Your passkey ${answer.body.factor.name} is set up. Your recovery codes come with your first second factor.`)
    : redirectTo(`${page.base}${SECURITY}?done=passkey`);
}
