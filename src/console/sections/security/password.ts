import { html, type Raw } from '../../../oauth/interactions/html.js';
import { problemOf, type Problem } from '../../api/calls.js';
import { csrfField, field, problemAlert } from '../../ui/forms.js';
import { pageOf, type Outcome } from '../../ui/view.js';
import type { OrgPage } from '../section.js';
import { currentPasswordField, passwordFormProblems, SECURITY } from './model.js';

/** The password panel: current password, the new one twice; what a change ends is said before it is made. */
export function passwordPanel(page: OrgPage, problem: Problem | null): Raw {
  const errors = passwordFormProblems(problem);
  return html`<section class="panel" aria-labelledby="password-title"><h2 id="password-title">Password</h2>
<p class="hint" id="password-effect">Changing your password signs you out everywhere: every session and app authorization of yours ends, this console's included, and you sign in again with the new password. You get a mail saying it changed.</p>
${problemAlert(problem)}
<form method="post" action="${page.base}${SECURITY}/password" class="form-panel" novalidate>${csrfField(page.csrf)}
${field(currentPasswordField('current-password', errors.get('current_password')))}
${field({ id: 'new-password', name: 'new_password', label: 'New password', type: 'password', required: true, hint: '8 to 256 characters.',
    error: errors.get('new_password'), attrs: 'autocomplete="new-password" maxlength="256"' })}
${field({ id: 'repeat-password', name: 'repeat_password', label: 'Repeat the new password', type: 'password', required: true,
    error: errors.get('repeat_password'), attrs: 'autocomplete="new-password" maxlength="256"' })}
<div class="form-actions"><button type="submit" class="button primary" aria-describedby="password-effect">Change password</button></div>
</form></section>`;
}

/**
 * `POST /v1/me/password`. The API ends every session and refresh token of the person, this
 * console's grants included, so the console ends its session too and asks them to sign in again
 * (to the same page) rather than failing at its next refresh.
 */
export async function changePassword(page: OrgPage, showWith: (problem: Problem) => Promise<Outcome>): Promise<Outcome> {
  const f = page.form!;
  if (f.get('new_password') !== f.get('repeat_password')) {
    return showWith({ status: 400, errors: [{ field: 'repeat_password', message: 'The two new passwords are not the same.' }] });
  }
  const answer = await page.account.post('/password', { current_password: f.get('current_password'), new_password: f.get('new_password') });
  if (answer.status !== 204) return showWith(problemOf(answer));
  await page.endSession();
  const returnTo = `${page.base}${SECURITY}?done=password`;
  const signIn = `/console/sign-in?${new URLSearchParams({ organization: page.org.slug, return_to: returnTo })}`;
  return pageOf('Password changed', html`<section class="panel narrow">
<h1 id="page-title">Your password was changed</h1>
<div class="notice" role="status">Every session and app authorization of yours has ended, this console's included.</div>
<p>Apps you use will ask you to sign in again. Sign in to the console with your new password to carry on.</p>
<p><a class="button primary" href="${signIn}">Sign in again</a></p>
</section>`);
}
