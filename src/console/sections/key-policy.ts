import { html, type Raw } from '../../oauth/interactions/html.js';
import type { Problem } from '../api/calls.js';
import type { FormFields } from '../http/form.js';
import { badge } from '../ui/format.js';
import { csrfField, field, fieldProblems, problemAlert, radios } from '../ui/forms.js';
import type { OrgPage } from './section.js';

/** The organization's API-key policy as its object shows it. */
export interface KeyPolicyJson {
  max_key_lifetime: string | null;
  key_rotation_reminder_days: number | null;
  leaked_key_policy: 'revoke' | 'notify';
}

/** The key-policy form as typed (shown back with the API's refusal). */
export interface KeyPolicyDraft { max_key_lifetime: string; key_rotation_reminder_days: string }

export const draftOfPolicy = (o: KeyPolicyJson): KeyPolicyDraft => ({
  max_key_lifetime: o.max_key_lifetime ?? '', key_rotation_reminder_days: o.key_rotation_reminder_days === null ? '' : String(o.key_rotation_reminder_days),
});

export const keyPolicyDraft = (form: FormFields): KeyPolicyDraft => ({
  max_key_lifetime: form.get('max_key_lifetime').trim(), key_rotation_reminder_days: form.get('key_rotation_reminder_days').trim(),
});

/**
 * The PATCH body for a draft: empty fields lift the limit or turn reminders off (null); a
 * number of days is sent as a number and anything else as typed, for the API to name.
 */
export function keyPolicyBody(d: KeyPolicyDraft): Record<string, unknown> {
  const days = d.key_rotation_reminder_days;
  return {
    max_key_lifetime: d.max_key_lifetime || null,
    key_rotation_reminder_days: days === '' ? null : /^\d{1,6}$/.test(days) ? Number(days) : days,
  };
}

/** Maximum key lifetime and rotation reminder: a form when the person may change them (`organizations:write`), else the values. */
export function keyPolicyPanel(page: OrgPage, o: KeyPolicyJson, draft: KeyPolicyDraft, problem: Problem | null): Raw {
  const lifetime = o.max_key_lifetime ?? 'no limit';
  const reminder = o.key_rotation_reminder_days ? `after ${o.key_rotation_reminder_days} days` : 'off';
  if (!page.can('organizations:write')) {
    return html`<section class="panel" aria-labelledby="key-policy-title"><h2 id="key-policy-title">API-key policy</h2>
<dl class="facts"><dt>Longest key lifetime</dt><dd>${lifetime}</dd><dt>Rotation reminder</dt><dd>${reminder}</dd></dl></section>`;
  }
  const errors = fieldProblems(problem);
  return html`<section class="panel" aria-labelledby="key-policy-title"><h2 id="key-policy-title">API-key policy</h2>
${problemAlert(problem)}
<form method="post" action="${page.base}/settings/key-policy" novalidate>${csrfField(page.csrf)}
${field({ id: 'max-key-lifetime', name: 'max_key_lifetime', label: 'Longest key lifetime', value: draft.max_key_lifetime, error: errors.get('max_key_lifetime'),
    hint: 'New and rotated keys expire within this, e.g. 90d, 24h or 30m. Empty: no limit. Existing keys keep their expiry until rotated.', attrs: 'autocomplete="off" spellcheck="false" maxlength="20"' })}
${field({ id: 'rotation-reminder', name: 'key_rotation_reminder_days', label: 'Rotation reminder (days)', value: draft.key_rotation_reminder_days, type: 'number',
    error: errors.get('key_rotation_reminder_days'), hint: 'An api_key.rotation_due event once a key is this many days old. Empty or 0: off.', attrs: 'min="0" inputmode="numeric"' })}
<button type="submit" class="button primary">Save key policy</button></form></section>`;
}

/** What happens to a key found in public: a choice when the person holds what every member holds (as for two-step verification), else the value. */
export function leakPolicyPanel(page: OrgPage, policy: KeyPolicyJson['leaked_key_policy'], offered: boolean, problem: Problem | null): Raw {
  const state = policy === 'revoke' ? badge('revoked at once', 'ok') : badge('reported only', 'warn');
  const control = offered
    ? html`<form method="post" action="${page.base}/settings/leaked-keys">${csrfField(page.csrf)}
${radios({ name: 'leaked_key_policy', legend: 'When a key is found in public', value: policy, error: fieldProblems(problem).get('leaked_key_policy'), options: [
    ['revoke', 'Revoke it', 'The key stops working at once.'],
    ['notify', 'Only report it', 'The key keeps working until someone revokes it.']] })}
<button type="submit" class="button">Save leaked-key policy</button></form>`
    : html`<p class="hint">Only someone who holds every permission the members of ${page.org.name} hold (an admin) can change this.</p>`;
  return html`<section class="panel" aria-labelledby="leak-title"><h2 id="leak-title">Leaked keys</h2>
<p>A key of ${page.org.name} found in public (by secret scanning) is ${state}. Either way an <code>api_key.leaked</code> event reaches your webhooks, the audit log and the admins' mail.</p>
${problemAlert(problem)}${control}</section>`;
}
