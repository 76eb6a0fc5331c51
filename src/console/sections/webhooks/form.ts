import { html } from '../../../oauth/interactions/html.js';
import { ALL_EVENTS } from '../../../events/catalog.js';
import { problemOf, type Problem } from '../../api/calls.js';
import { csrfField, field, fieldProblems, problemAlert } from '../../ui/forms.js';
import { pageOf, redirectTo, type Outcome } from '../../ui/view.js';
import type { OrgPage } from '../section.js';
import { apiFailure } from '../shared.js';
import { eventPicker } from './event-picker.js';
import { endpointPath, mayCarry, subscribable, type EndpointJson } from './model.js';
import { secretIssued } from './secret.js';

type Draft = Pick<EndpointJson, 'url' | 'description' | 'events'>;

const draftOf = (page: OrgPage): Draft => ({ url: page.form!.get('url').trim(), description: page.form!.get('description'), events: page.form!.all('events') });

/** Create and edit: the URL, what it is for, and the events (grouped by noun). */
function endpointForm(page: OrgPage, draft: Draft, problem: Problem | null, id?: string): Outcome {
  const errors = fieldProblems(problem);
  const title = id ? 'Edit endpoint' : 'Add endpoint';
  return pageOf(title, html`<section class="panel form-panel"><h1 id="page-title">${title}</h1>${problemAlert(problem)}
<form method="post" action="${page.base}/webhooks${id ? `/${encodeURIComponent(id)}` : ''}" data-dialog novalidate>${csrfField(page.csrf)}
${field({ id: 'endpoint-url', name: 'url', label: 'Endpoint URL', type: 'url', value: draft.url, required: true, autofocus: true, error: errors.get('url'),
    hint: 'Events are POSTed here, signed per Standard Webhooks. https only, on a public address.', attrs: 'spellcheck="false" autocomplete="off"' })}
${field({ id: 'endpoint-description', name: 'description', label: 'Description', value: draft.description, error: errors.get('description'), attrs: 'maxlength="500"' })}
${eventPicker(subscribable(page), mayCarry(page, [ALL_EVENTS]), draft.events, errors.get('events'))}
<div class="form-actions"><button type="submit" class="button primary">${id ? 'Save' : 'Create endpoint'}</button>
<a class="button" href="${page.base}/webhooks${id ? `/${encodeURIComponent(id)}` : ''}" data-close>Cancel</a></div>
</form></section>`, problem ? problem.status : 200);
}

export const newEndpoint = async (page: OrgPage) => endpointForm(page, { url: '', description: '', events: [] }, null);

/** `POST …/webhooks`; on 201 the signing secret, shown once. */
export async function createEndpoint(page: OrgPage): Promise<Outcome> {
  const draft = draftOf(page);
  const answer = await page.api.post<EndpointJson>('/webhooks', { url: draft.url, events: draft.events, ...(draft.description ? { description: draft.description } : {}) });
  return answer.status === 201 ? secretIssued(page, answer.body, 'Endpoint created', null) : endpointForm(page, draft, problemOf(answer));
}

export async function editEndpoint(page: OrgPage): Promise<Outcome> {
  const answer = await page.api.get<EndpointJson>(endpointPath(page));
  return answer.status === 200 ? endpointForm(page, answer.body, null, answer.body.id) : apiFailure('Edit endpoint', problemOf(answer));
}

/** `PATCH …/webhooks/{id}` with URL, description and events. */
export async function updateEndpoint(page: OrgPage): Promise<Outcome> {
  const draft = draftOf(page);
  const answer = await page.api.patch(endpointPath(page), draft);
  return answer.status === 200 ? redirectTo(`${page.base}${endpointPath(page)}?done=updated`) : endpointForm(page, draft, problemOf(answer), page.params.id);
}
