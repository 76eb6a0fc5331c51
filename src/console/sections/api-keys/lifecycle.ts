import { html } from '../../../oauth/interactions/html.js';
import { problemOf } from '../../api/calls.js';
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
    body: html`<p>Requests with <code>${recognisable(k)}</code> fail from the next one on. This cannot be undone.</p>`,
  });
}

/** `DELETE …/api-keys/{id}`, then back to the list. */
export async function revokeKey(page: OrgPage): Promise<Outcome> {
  const answer = await page.api.delete(keyPath(page));
  if (answer.status !== 204) return apiFailure('Revoke API key', problemOf(answer));
  return redirectTo(`${page.base}/api-keys?done=revoked`);
}
