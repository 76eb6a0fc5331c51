import { html, type Raw } from '../../../oauth/interactions/html.js';
import { problemOf } from '../../api/calls.js';
import { badge, when } from '../../ui/format.js';
import { pageOf, type Outcome } from '../../ui/view.js';
import type { OrgPage } from '../section.js';
import { apiFailure, fetchListing, flash, pager } from '../shared.js';
import { eventsLabel, subscribable, WRITE, type EndpointJson } from './model.js';

const FLASHES = { deleted: 'The endpoint was deleted: nothing more is sent to it.' };

/** Enabled, paused by someone, or disabled after days of failures. */
export function endpointStatus(e: EndpointJson): Raw {
  if (e.enabled) return e.failing_since ? badge('failing', 'warn') : badge('enabled', 'ok');
  return e.disabled_reason === 'failing' ? badge('disabled: failing', 'warn') : badge('disabled', 'off');
}

/** The endpoints: URL, description, events, status, created; "Add endpoint" when allowed. */
export async function listEndpoints(page: OrgPage): Promise<Outcome> {
  const answer = await fetchListing<EndpointJson>(page, '/webhooks', 25);
  if (answer.status !== 200) return apiFailure('Webhooks', problemOf(answer));
  const rows = answer.body.data.map((e) => html`<tr>
<th scope="row"><a href="${page.base}/webhooks/${encodeURIComponent(e.id)}" class="mono">${e.url}</a>${e.description ? html`<span class="ident muted">${e.description}</span>` : ''}</th>
<td data-label="Events"><ul class="chips">${eventsLabel(e.events).map((t) => html`<li><code>${t}</code></li>`)}</ul></td>
<td data-label="Status">${endpointStatus(e)}</td>
<td data-label="Created">${when(e.created_at, '—', true)}</td>
</tr>`);
  const mayAdd = page.can(WRITE) && subscribable(page).length > 0;
  return pageOf('Webhooks', html`<div class="page-head">
<div><h1 id="page-title">Webhooks</h1><p class="lead">Endpoints that receive ${page.org.name}'s events (keys, members, apps), signed per Standard Webhooks and retried for a day.</p></div>
${mayAdd ? html`<form method="get" action="${page.base}/webhooks/new" data-dialog><button type="submit" class="button primary">Add endpoint</button></form>` : ''}
</div>
${flash(page, FLASHES)}
${rows.length ? html`<div class="table-wrap"><table><caption class="vh">Webhook endpoints of ${page.org.name}</caption>
<thead><tr><th scope="col">Endpoint</th><th scope="col">Events</th><th scope="col">Status</th><th scope="col">Created</th></tr></thead>
<tbody>${rows}</tbody></table></div>` : html`<div class="empty"><p>No webhook endpoints yet.</p></div>`}
${pager(page, 'webhooks', answer.body.next_cursor)}`);
}
