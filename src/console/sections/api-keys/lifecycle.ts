import { html, Raw } from '../../../oauth/interactions/html.js';
import { problemOf } from '../../api/calls.js';
import { hidden } from '../../ui/format.js';
import { csrfField } from '../../ui/forms.js';
import { redirectTo, type Outcome } from '../../ui/view.js';
import type { OrgPage } from '../section.js';
import { apiFailure, confirmation } from '../shared.js';
import { keyIssued } from './issued.js';
import { GRACE_CHOICES, recognisable, type ApiKeyJson } from './model.js';

const keyPath = (page: OrgPage) => `/api-keys/${encodeURIComponent(page.params.id)}`;

/** Rotates with the chosen grace period (the list's button sends 24 h: one click) and shows the new key once. */
export async function rotateKey(page: OrgPage): Promise<Outcome> {
  const grace = page.form!.get('grace_period') || '24h';
  const answer = await page.api.post<ApiKeyJson>(`${keyPath(page)}/rotate`, { grace_period: grace });
  if (answer.status !== 201) return apiFailure('Rotate API key', problemOf(answer));
  const label = GRACE_CHOICES.find(([v]) => v === grace)?.[1] ?? grace;
  const note = grace === '0' ? 'The previous key stopped working.' : `The previous key keeps working for ${label} (never past its own expiry), then stops.`;
  return keyIssued(page, answer.body, 'API key rotated', note);
}

/** Asks before revoking. */
export async function confirmRevoke(page: OrgPage): Promise<Outcome> {
  const answer = await page.api.get<ApiKeyJson>(keyPath(page));
  if (answer.status !== 200) return apiFailure('Revoke API key', problemOf(answer));
  const k = answer.body;
  return confirmation(page, {
    title: 'Revoke API key', question: `Revoke “${k.name}”?`, submit: 'Revoke key', action: `${keyPath(page)}/revoke`, back: '/api-keys',
    body: html`<p>Requests with <code>${recognisable(page, k)}</code> fail from the next one on. This cannot be undone.</p>`,
  });
}

/** `DELETE …/api-keys/{id}`, then back to the list. */
export async function revokeKey(page: OrgPage): Promise<Outcome> {
  const answer = await page.api.delete(keyPath(page));
  if (answer.status !== 204) return apiFailure('Revoke API key', problemOf(answer));
  return redirectTo(`${page.base}/api-keys?done=revoked`);
}

/**
 * `PATCH …/api-keys/{id}` `{enabled}`: a disabled key is refused like a revoked one until it is
 * enabled again. Back to where the button was (`from`: the list or the key's page).
 */
export const setEnabled = (enabled: boolean) => async (page: OrgPage): Promise<Outcome> => {
  const answer = await page.api.patch<ApiKeyJson>(keyPath(page), { enabled });
  if (answer.status !== 200) return apiFailure(enabled ? 'Enable API key' : 'Disable API key', problemOf(answer));
  const done = enabled ? 'enabled' : 'disabled';
  return redirectTo(page.form!.get('from') === 'list' ? `${page.base}/api-keys?done=${done}` : `${page.base}${keyPath(page)}?done=${done}`);
};

/** The Disable or Enable button for a key (`from`: where the answer goes back to). */
export function enableToggle(page: OrgPage, k: ApiKeyJson, from: 'list' | 'detail'): Raw {
  const action = k.status === 'disabled' ? 'enable' : 'disable';
  return html`<form method="post" action="${page.base}/api-keys/${encodeURIComponent(k.id)}/${action}">${csrfField(page.csrf)}<input type="hidden" name="from" value="${from}">
<button type="submit" class="button${from === 'list' ? ' small' : ''}"${new Raw(action === 'disable' ? ' title="Refuse the key until it is enabled again"' : '')}>${action === 'enable' ? 'Enable' : 'Disable'}${from === 'list' ? hidden(` ${k.name}`) : ''}</button></form>`;
}

/** What the list and the key's page say after a change. */
export const KEY_FLASHES = {
  revoked: 'The key was revoked: requests with it fail from now on.',
  disabled: 'The key was disabled: requests with it are refused until it is enabled again.',
  enabled: 'The key was enabled: requests with it work again.',
};
