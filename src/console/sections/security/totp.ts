import { html } from '../../../oauth/interactions/html.js';
import { qrCode } from '../../../oauth/interactions/sign-in-pages.js';
import { problemOf, type Problem } from '../../api/calls.js';
import { csrfField, field, problemAlert, secretReveal } from '../../ui/forms.js';
import { pageOf, redirectTo, type Outcome } from '../../ui/view.js';
import type { OrgPage } from '../section.js';
import { currentPasswordField, passwordFormProblems, SECURITY, type EnrolledJson, type FactorJson } from './model.js';
import { recoveryCodesShown } from './recovery-codes.js';

/** An enrolment waiting for its first code: what the confirm form carries back to show the QR code again after a wrong code. */
interface Pending {
  factor: string;
  secret: string;
  uri: string;
}

const TITLE = 'Add authenticator app';
// what the API hands out; anything else coming back in the form is not shown
const BASE32 = /^[A-Z2-7]{16,128}=*$/;
const OTPAUTH = /^otpauth:\/\/totp\/[^\s<>"]{1,480}$/;

/** Step 1 (a dialog): a name for the app and the current password. */
export function totpStartForm(page: OrgPage, name = '', problem: Problem | null = null): Outcome {
  const errors = passwordFormProblems(problem);
  return pageOf(TITLE, html`<section class="panel form-panel"><h1 id="page-title">${TITLE}</h1>
<p>An authenticator app (Google Authenticator, 1Password, Authy, …) shows a new six-digit code every 30 seconds; you give one after your password when you sign in.</p>
${problemAlert(problem)}
<form method="post" action="${page.base}${SECURITY}/totp" data-dialog novalidate>${csrfField(page.csrf)}
${field({ id: 'totp-name', name: 'name', label: 'Name', value: name, hint: 'To tell your factors apart, e.g. Phone.', error: errors.get('name'), attrs: 'maxlength="64" autocomplete="off"' })}
${field(currentPasswordField('totp-password', errors.get('current_password'), true))}
<div class="form-actions"><button type="submit" class="button primary">Continue</button>
<a class="button" href="${page.base}${SECURITY}" data-close>Cancel</a></div>
</form></section>`, problem?.status);
}

/** Step 2: the QR code (inline SVG drawn here), the key to type, and the first code. */
function scanPage(page: OrgPage, pending: Pending, problem: Problem | null): Outcome {
  const error = problem ? (problem.detail ?? 'The code is not right.') : undefined;
  return pageOf(TITLE, html`<section class="panel form-panel"><h1 id="page-title">${TITLE}</h1>
<p>Scan this QR code with the app, or type the key into it. Then enter the code the app shows.</p>
${problemAlert(problem)}
<div class="qr">${qrCode(pending.uri)}</div>
${secretReveal('totp-secret', 'Key, to type into the app', pending.secret.match(/.{1,4}/g)!.join(' '))}
<form method="post" action="${page.base}${SECURITY}/totp/confirm" data-dialog novalidate>${csrfField(page.csrf)}
<input type="hidden" name="factor" value="${pending.factor}"><input type="hidden" name="secret" value="${pending.secret}"><input type="hidden" name="uri" value="${pending.uri}">
${field({ id: 'totp-code', name: 'code', label: 'Code from the app', required: true, autofocus: true, error,
    attrs: 'inputmode="numeric" autocomplete="one-time-code" maxlength="16" spellcheck="false"' })}
<div class="form-actions"><button type="submit" class="button primary">Turn on</button>
<a class="button" href="${page.base}${SECURITY}" data-close>Cancel</a></div>
</form></section>`, problem?.status);
}

/** `POST /v1/me/factors/totp`: the enrolment starts (pending until its first code). */
export async function startTotp(page: OrgPage): Promise<Outcome> {
  const name = page.form!.get('name').trim();
  const answer = await page.account.post<{ factor: FactorJson; secret: string; otpauth_uri: string }>('/factors/totp', {
    current_password: page.form!.get('current_password'), ...(name ? { name } : {}),
  });
  if (answer.status !== 201) return totpStartForm(page, name, problemOf(answer));
  return scanPage(page, { factor: answer.body.factor.id, secret: answer.body.secret, uri: answer.body.otpauth_uri }, null);
}

/** `POST /v1/me/factors/totp/{id}/confirm`; with the person's first factor, the recovery codes, once. */
export async function confirmTotp(page: OrgPage): Promise<Outcome> {
  const f = page.form!;
  const pending = { factor: f.get('factor'), secret: f.get('secret'), uri: f.get('uri') };
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(pending.factor) || !BASE32.test(pending.secret) || !OTPAUTH.test(pending.uri)) {
    return pageOf(TITLE, html`<section class="panel form-panel"><h1 id="page-title">${TITLE}</h1>
<div class="alert" role="alert">This enrolment cannot be read back. Start again.</div>
<p><a class="button" href="${page.base}${SECURITY}" data-close>Back to Security</a></p></section>`, 400);
  }
  const answer = await page.account.post<EnrolledJson>(`/factors/totp/${encodeURIComponent(pending.factor)}/confirm`, { code: f.get('code').replace(/\s+/g, '') });
  if (answer.status !== 200) return scanPage(page, pending, problemOf(answer));
  const codes = answer.body.recovery_codes;
  return codes ? recoveryCodesShown(page, codes, 'Two-step verification is on', `${answer.body.factor.name} is set up. Your recovery codes come with your first second factor.`)
    : redirectTo(`${page.base}${SECURITY}?done=totp`);
}
