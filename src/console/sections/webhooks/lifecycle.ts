import { html } from '../../../oauth/interactions/html.js';
import { problemOf } from '../../api/calls.js';
import { redirectTo, type Outcome } from '../../ui/view.js';
import type { OrgPage } from '../section.js';
import { apiFailure, confirmation } from '../shared.js';
import { endpointPath, GRACE_CHOICES, type EndpointJson } from './model.js';
import { secretIssued } from './secret.js';

const back = (page: OrgPage, done: string) => redirectTo(`${page.base}${endpointPath(page)}?done=${done}`);

/** `PATCH {enabled}`: pausing loses nothing (deliveries wait), so neither asks first. */
export const setEnabled = (enabled: boolean) => async (page: OrgPage): Promise<Outcome> => {
  const answer = await page.api.patch(endpointPath(page), { enabled });
  return answer.status === 200 ? back(page, enabled ? 'enabled' : 'disabled') : apiFailure(enabled ? 'Enable endpoint' : 'Disable endpoint', problemOf(answer));
};

/** A new signing secret, shown once; the previous one signs beside it for the chosen time. */
export async function rotateSecret(page: OrgPage): Promise<Outcome> {
  const grace = page.form!.get('grace_period') || '24h';
  const answer = await page.api.post<EndpointJson>(`${endpointPath(page)}/rotate-secret`, { grace_period: grace });
  if (answer.status !== 201) return apiFailure('Rotate signing secret', problemOf(answer));
  const label = GRACE_CHOICES.find(([v]) => v === grace)?.[1] ?? grace;
  const note = grace === '0' ? 'The previous secret no longer signs.' : `Deliveries carry both signatures for ${label}, so your receiver can switch at leisure.`;
  return secretIssued(page, answer.body, 'Signing secret rotated', note);
}

export async function confirmDelete(page: OrgPage): Promise<Outcome> {
  const answer = await page.api.get<EndpointJson>(endpointPath(page));
  if (answer.status !== 200) return apiFailure('Delete endpoint', problemOf(answer));
  return confirmation(page, {
    title: 'Delete endpoint', question: 'Delete this endpoint?', submit: 'Delete endpoint', action: `${endpointPath(page)}/delete`, back: endpointPath(page),
    body: html`<p><code class="break">${answer.body.url}</code> receives nothing more, and its pending deliveries are dropped. This cannot be undone.</p>`,
  });
}

export async function deleteEndpoint(page: OrgPage): Promise<Outcome> {
  const answer = await page.api.delete(endpointPath(page));
  return answer.status === 204 ? redirectTo(`${page.base}/webhooks?done=deleted`) : apiFailure('Delete endpoint', problemOf(answer));
}

/** The same event again, with the same webhook-id. */
export async function redeliver(page: OrgPage): Promise<Outcome> {
  const answer = await page.api.post(`${endpointPath(page)}/deliveries/${encodeURIComponent(page.params.delivery)}/redeliver`);
  return answer.status === 202 ? back(page, 'redelivered') : apiFailure('Redeliver', problemOf(answer));
}
