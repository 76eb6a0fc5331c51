import { html, type Raw } from '../../../oauth/interactions/html.js';
import { problemOf, type Problem } from '../../api/calls.js';
import { badge, hidden, when } from '../../ui/format.js';
import { pageOf, type Outcome } from '../../ui/view.js';
import type { OrgPage, Section } from '../section.js';
import { apiFailure, flash } from '../shared.js';
import { confirmNewRecoveryCodes, confirmRemoveFactor, newRecoveryCodes, removeFactor } from './factors.js';
import { FACTOR_TYPES, SECURITY, type AccountJson } from './model.js';
import { PASSKEY_SCRIPT, passkeyForm, passkeyOptions, registerPasskey } from './passkeys.js';
import { changePassword, passwordPanel } from './password.js';
import { confirmTotp, startTotp, totpStartForm } from './totp.js';

const FLASHES = {
  password: 'Your password was changed, and you signed in again with it.',
  totp: 'The authenticator app was added.',
  passkey: 'The passkey was added.',
  removed: 'The second factor was removed.',
};

/** Problems to show in the page's forms after a refused submission. */
interface Problems {
  password?: Problem;
  passkey?: Problem;
}

function factorsTable(page: OrgPage, account: AccountJson): Raw {
  const { factors } = account.mfa;
  if (!factors.length) return html`<div class="empty"><p>No second factor yet: your password alone signs you in.</p></div>`;
  const rows = factors.map((f) => html`<tr>
<th scope="row">${f.name}</th><td data-label="Type">${FACTOR_TYPES[f.type]}</td>
<td data-label="Added">${when(f.created_at, '—', true)}</td><td data-label="Last used">${when(f.last_used_at, 'Never', true)}</td>
<td><form method="get" action="${page.base}${SECURITY}/factors/${encodeURIComponent(f.id)}/remove" data-dialog>
<button type="submit" class="button small danger">Remove${hidden(` ${f.name}`)}</button></form></td></tr>`);
  return html`<div class="table-wrap"><table><caption class="vh">Your second factors</caption>
<thead><tr><th scope="col">Name</th><th scope="col">Type</th><th scope="col">Added</th><th scope="col">Last used</th><th scope="col"><span class="vh">Actions</span></th></tr></thead>
<tbody>${rows}</tbody></table></div>`;
}

function recoveryPanel(page: OrgPage, account: AccountJson): Raw {
  if (!account.mfa.enabled) return html``;
  const left = account.mfa.recovery_codes_remaining;
  return html`<section class="panel" aria-labelledby="recovery-title"><h2 id="recovery-title">Recovery codes</h2>
<p>Each code signs you in once in place of your second factor. <strong>${left}</strong> left${left <= 3 ? ': generate new ones before you run out.' : '.'}</p>
<form method="get" action="${page.base}${SECURITY}/recovery-codes" data-dialog><button type="submit" class="button">Generate new recovery codes</button></form>
</section>`;
}

/** The security page: the password, second factors (authenticator apps, passkeys) and recovery codes of the signed-in person. */
async function show(page: OrgPage, problems: Problems = {}): Promise<Outcome> {
  const answer = await page.account.get<AccountJson>('');
  if (answer.status !== 200) return apiFailure('Security', problemOf(answer));
  const account = answer.body;
  const status = problems.password?.status ?? problems.passkey?.status;
  return pageOf('Security', html`<div class="page-head"><div><h1 id="page-title">Security</h1>
<p class="lead">How you, ${account.email}, sign in. This is your own account: it is the same in every organization you belong to.</p></div></div>
${flash(page, FLASHES)}
${passwordPanel(page, problems.password ?? null)}
<section class="panel" aria-labelledby="mfa-title"><h2 id="mfa-title">Two-step verification ${account.mfa.enabled ? badge('on', 'ok') : badge('off', 'off')}</h2>
<p>After your password, you also give a code from an authenticator app, or use a passkey. A passkey can also sign you in on its own (“Sign in with a passkey”).</p>
${factorsTable(page, account)}
<div class="section-gap"><h3>Authenticator app</h3>
<form method="get" action="${page.base}${SECURITY}/totp" data-dialog><button type="submit" class="button">Add authenticator app</button></form></div>
<div class="section-gap"><h3>Passkey</h3>
<p class="hint">Your device's screen lock (fingerprint, face, PIN) or a security key.</p>
${passkeyForm(page, problems.passkey ?? null)}</div>
</section>
${recoveryPanel(page, account)}`, status, PASSKEY_SCRIPT);
}

/**
 * Security: the signed-in person's own account through `/v1/me` (their password, authenticator
 * apps, passkeys, recovery codes). Shown to everyone signed in: it needs no permission in the
 * organization, and every change asks for the current password.
 */
export const securitySection: Section = {
  path: SECURITY.slice(1), title: 'Security', permission: null,
  routes: [
    { method: 'GET', path: '', handle: (page) => show(page) },
    { method: 'POST', path: '/password', handle: (page) => changePassword(page, (password) => show(page, { password })) },
    { method: 'GET', path: '/totp', handle: async (page) => totpStartForm(page) },
    { method: 'POST', path: '/totp', handle: startTotp },
    { method: 'POST', path: '/totp/confirm', handle: confirmTotp },
    { method: 'POST', path: '/passkeys/options', handle: passkeyOptions },
    { method: 'POST', path: '/passkeys', handle: (page) => registerPasskey(page, (passkey) => show(page, { passkey })) },
    { method: 'GET', path: '/factors/:id/remove', handle: (page) => confirmRemoveFactor(page) },
    { method: 'POST', path: '/factors/:id/remove', handle: removeFactor },
    { method: 'GET', path: '/recovery-codes', handle: async (page) => confirmNewRecoveryCodes(page) },
    { method: 'POST', path: '/recovery-codes', handle: newRecoveryCodes },
  ],
};
