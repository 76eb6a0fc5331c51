import { html, type Raw } from '../../../oauth/interactions/html.js';
import { problemOf } from '../../api/calls.js';
import { badge, hidden, when } from '../../ui/format.js';
import { csrfField, select } from '../../ui/forms.js';
import { pageOf, type Outcome } from '../../ui/view.js';
import type { OrgPage } from '../section.js';
import { apiFailure, flash, type Listing } from '../shared.js';
import { endpointStatus } from './list.js';
import { controls, endpointPath, eventsLabel, GRACE_CHOICES, type DeliveryJson, type EndpointJson } from './model.js';

const FLASHES = {
  updated: 'The endpoint was saved.',
  enabled: 'The endpoint was enabled: deliveries resume.',
  disabled: 'The endpoint was disabled: nothing is sent to it until it is enabled again.',
  redelivered: 'The delivery was queued again: the same event, with the same webhook-id.',
};
const STATUS_TONE = { pending: 'info', succeeded: 'ok', failed: 'warn' } as const;

function deliveries(page: OrgPage, e: EndpointJson, list: DeliveryJson[], mayAct: boolean): Raw {
  if (!list.length) return html`<div class="empty"><p>No deliveries yet: the endpoint receives the events that happen after it was created.</p></div>`;
  const rows = list.map((d) => html`<tr>
<th scope="row"><code>${d.event_type}</code><span class="ident muted">${d.event_id}</span></th>
<td data-label="Status">${badge(d.status, STATUS_TONE[d.status])}</td>
<td data-label="Attempts">${String(d.attempts)}</td>
<td data-label="Response">${d.last_status_code !== null ? String(d.last_status_code) : html`<span class="muted">${d.last_error ?? '—'}</span>`}</td>
<td data-label="Last attempt">${when(d.last_attempt_at, 'Not yet')}</td>
<td>${mayAct ? html`<form method="post" action="${page.base}/webhooks/${encodeURIComponent(e.id)}/deliveries/${encodeURIComponent(d.id)}/redeliver">${csrfField(page.csrf)}
<button type="submit" class="button small">Redeliver${hidden(` ${d.event_type} ${d.event_id}`)}</button></form>` : ''}</td></tr>`);
  return html`<div class="table-wrap"><table><caption class="vh">Deliveries to ${e.url}</caption>
<thead><tr><th scope="col">Event</th><th scope="col">Status</th><th scope="col">Attempts</th><th scope="col">Response</th><th scope="col">Last attempt</th><th scope="col"><span class="vh">Actions</span></th></tr></thead>
<tbody>${rows}</tbody></table></div>`;
}

function actions(page: OrgPage, e: EndpointJson): Raw {
  const base = `${page.base}${endpointPath(page)}`;
  return html`<section class="panel" aria-labelledby="manage-title"><h2 id="manage-title">Manage</h2>
<div class="actions">
<form method="get" action="${base}/edit" data-dialog><button type="submit" class="button">Edit</button></form>
<form method="post" action="${base}/${e.enabled ? 'disable' : 'enable'}">${csrfField(page.csrf)}<button type="submit" class="button">${e.enabled ? 'Disable' : 'Enable'}</button></form>
<form method="get" action="${base}/delete" data-dialog><button type="submit" class="button danger">Delete</button></form>
</div>
<form method="post" action="${base}/rotate" data-dialog class="inline-form section-gap">${csrfField(page.csrf)}
${select({ id: 'grace', name: 'grace_period', label: 'The old secret keeps signing for', options: GRACE_CHOICES, value: '24h' })}
<button type="submit" class="button">Rotate secret</button></form>
</section>`;
}

/** One endpoint: what it receives, its state, its actions (when allowed) and its deliveries, newest first. */
export async function showEndpoint(page: OrgPage): Promise<Outcome> {
  const path = endpointPath(page);
  const [answer, sent] = await Promise.all([page.api.get<EndpointJson>(path), page.api.get<Listing<DeliveryJson>>(`${path}/deliveries?limit=50`)]);
  if (answer.status !== 200) return apiFailure('Webhook endpoint', problemOf(answer));
  const e = answer.body;
  const mayAct = controls(page, e);
  return pageOf(e.url, html`<div class="page-head"><div>
<p class="crumbs"><a href="${page.base}/webhooks">Webhooks</a></p>
<h1 id="page-title" class="break">${e.url}</h1>${e.description ? html`<p class="lead">${e.description}</p>` : ''}</div></div>
${flash(page, FLASHES)}
<section class="panel"><dl class="facts">
<dt>Status</dt><dd>${endpointStatus(e)}${e.failing_since ? html` <span class="muted">failing since ${when(e.failing_since)}</span>` : ''}</dd>
<dt>Events</dt><dd><ul class="chips">${eventsLabel(e.events).map((t) => html`<li><code>${t}</code></li>`)}</ul></dd>
<dt>ID</dt><dd><code>${e.id}</code></dd>
<dt>Created</dt><dd>${when(e.created_at)}</dd>
${e.previous_secret_expires_at ? html`<dt>Previous secret</dt><dd>Signs beside the current one until ${when(e.previous_secret_expires_at)}</dd>` : ''}
</dl></section>
${mayAct ? actions(page, e) : ''}
<section aria-labelledby="deliveries-title"><h2 id="deliveries-title">Deliveries</h2>
${sent.status === 200 ? deliveries(page, e, sent.body.data, mayAct) : html`<p class="muted">Deliveries are not available.</p>`}</section>`);
}
