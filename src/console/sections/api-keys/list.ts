import { html, type Raw } from '../../../oauth/interactions/html.js';
import { problemOf } from '../../api/calls.js';
import { badge, hidden, when } from '../../ui/format.js';
import { csrfField } from '../../ui/forms.js';
import { pageOf, type Outcome } from '../../ui/view.js';
import type { OrgPage } from '../section.js';
import { apiFailure, fetchListing, flash, pager } from '../shared.js';
import { enableToggle, KEY_FLASHES } from './lifecycle.js';
import { mayControl, recognisable, STATUS_TONE, WRITE, type ApiKeyJson } from './model.js';

function permissionsCell(permissions: string[]): Raw {
  const shown = permissions.slice(0, 3);
  return html`<ul class="chips">${shown.map((p) => html`<li><code>${p}</code></li>`)}${permissions.length > 3 ? html`<li class="muted">+${permissions.length - 3} more</li>` : ''}</ul>`;
}

function actions(page: OrgPage, k: ApiKeyJson): Raw {
  if (!mayControl(page, k)) return html``;
  const base = `${page.base}/api-keys/${encodeURIComponent(k.id)}`;
  if (k.status === 'disabled') return html`<div class="actions">${enableToggle(page, k, 'list')}</div>`;
  return html`<div class="actions">
<form method="post" action="${base}/rotate" data-dialog>${csrfField(page.csrf)}<input type="hidden" name="grace_period" value="24h">
<button type="submit" class="button small" title="Issue a new key; this one keeps working for 24 hours">Rotate${hidden(` ${k.name}`)}</button></form>
${enableToggle(page, k, 'list')}
<form method="get" action="${base}/revoke" data-dialog><button type="submit" class="button small danger">Revoke${hidden(` ${k.name}`)}</button></form>
</div>`;
}

/** The key list: status, environment, start, permissions, last use, expiry; create, rotate, disable or enable, and revoke when allowed. */
export async function listKeys(page: OrgPage): Promise<Outcome> {
  const answer = await fetchListing<ApiKeyJson>(page, '/api-keys', 25);
  if (answer.status !== 200) return apiFailure('API keys', problemOf(answer));
  const keys = answer.body.data;
  const rows = keys.map((k) => html`<tr>
<th scope="row"><a href="${page.base}/api-keys/${encodeURIComponent(k.id)}">${k.name}</a></th>
<td data-label="Status">${badge(k.status, STATUS_TONE[k.status] ?? 'info')}</td>
<td data-label="Environment">${badge(k.environment, k.environment === 'live' ? 'info' : 'warn')}</td>
<td data-label="Key"><code>${recognisable(page, k)}</code></td>
<td data-label="Permissions">${permissionsCell(k.permissions)}</td>
<td data-label="Last used">${when(k.last_used_at, 'Never', true)}</td>
<td data-label="Expires">${when(k.expires_at, 'Never', true)}</td>
<td>${actions(page, k)}</td>
</tr>`);
  return pageOf('API keys', html`<div class="page-head">
<div><h1 id="page-title">API keys</h1><p class="lead">Keys let your backend services call the API for ${page.org.name}. A key is shown once, when it is created.</p></div>
${page.can(WRITE) ? html`<form method="get" action="${page.base}/api-keys/new" data-dialog><button type="submit" class="button primary">Create API key</button></form>` : ''}
</div>
${flash(page, KEY_FLASHES)}
${keys.length ? html`<div class="table-wrap"><table>
<caption class="vh">API keys of ${page.org.name}</caption>
<thead><tr><th scope="col">Name</th><th scope="col">Status</th><th scope="col">Environment</th><th scope="col">Key</th><th scope="col">Permissions</th><th scope="col">Last used</th><th scope="col">Expires</th><th scope="col"><span class="vh">Actions</span></th></tr></thead>
<tbody>${rows}</tbody></table></div>` : html`<div class="empty"><p>No API keys yet.</p></div>`}
${pager(page, 'api-keys', answer.body.next_cursor)}`);
}
