import { html, type Raw } from '../../../oauth/interactions/html.js';
import { problemOf } from '../../api/calls.js';
import { barChart } from '../../ui/bar-chart.js';
import { badge, when } from '../../ui/format.js';
import { csrfField, select } from '../../ui/forms.js';
import { pageOf, type Outcome } from '../../ui/view.js';
import type { OrgPage } from '../section.js';
import { apiFailure, flash } from '../shared.js';
import { enableToggle, KEY_FLASHES } from './lifecycle.js';
import { GRACE_CHOICES, mayControl, recognisable, STATUS_TONE, type ApiKeyJson } from './model.js';

/** The key's metadata (returned on verification): one row per entry. */
function metadataFacts(metadata: ApiKeyJson['metadata']): Raw {
  const entries = Object.entries(metadata ?? {});
  if (!entries.length) return html`<span class="muted">None</span>`;
  return html`<table class="metadata"><caption class="vh">Metadata</caption><thead><tr><th scope="col">Key</th><th scope="col">Value</th></tr></thead>
<tbody>${entries.map(([key, value]) => html`<tr><th scope="row"><code>${key}</code></th><td><code>${JSON.stringify(value)}</code></td></tr>`)}</tbody></table>`;
}

/** One key: everything the API says about it, its requests per day (30 days) as a chart, and its actions. */
export async function showKey(page: OrgPage): Promise<Outcome> {
  const path = `/api-keys/${encodeURIComponent(page.params.id)}`;
  const [answer, usage] = await Promise.all([
    page.api.get<ApiKeyJson>(path), page.api.get<{ days: Array<{ day: string; count: number }> }>(`${path}/usage`),
  ]);
  if (answer.status !== 200) return apiFailure('API key', problemOf(answer));
  const k = answer.body;
  const days = usage.status === 200 ? usage.body.days : [];
  const controls = mayControl(page, k);
  return pageOf(k.name, html`<div class="page-head"><div>
<p class="crumbs"><a href="${page.base}/api-keys">API keys</a></p>
<h1 id="page-title">${k.name}</h1></div></div>
${flash(page, KEY_FLASHES)}
<section class="panel">
<dl class="facts">
<dt>Key</dt><dd><code>${recognisable(page, k)}</code></dd>
<dt>Status</dt><dd>${badge(k.status, STATUS_TONE[k.status] ?? 'info')}${k.status === 'disabled' ? html` since ${when(k.disabled_at)}` : ''}</dd>
<dt>Environment</dt><dd>${k.environment}</dd>
<dt>Permissions</dt><dd><ul class="chips">${k.permissions.map((p) => html`<li><code>${p}</code></li>`)}</ul></dd>
<dt>IP allowlist</dt><dd>${k.ip_allowlist.length ? k.ip_allowlist.join(', ') : 'Any address'}</dd>
<dt>Metadata</dt><dd>${metadataFacts(k.metadata)}</dd>
<dt>Rate limit</dt><dd>${k.rate_limit ? `${k.rate_limit.limit} requests per ${k.rate_limit.window_seconds} s` : 'The organization\'s'}</dd>
<dt>Created</dt><dd>${when(k.created_at)} by <code>${k.created_by}</code></dd>
<dt>Last used</dt><dd>${when(k.last_used_at, 'Never')}</dd>
<dt>Expires</dt><dd>${when(k.expires_at, 'Never')}</dd>
${k.revoked_at ? html`<dt>Revoked</dt><dd>${when(k.revoked_at)}</dd>` : ''}
</dl>
</section>
<section class="panel" aria-labelledby="usage-title">
<h2 id="usage-title">Requests per day</h2>
${page.can('organizations:read') ? html`<p><a href="${page.base}/usage?key_id=${encodeURIComponent(k.id)}">By outcome and units, per hour or day</a></p>` : ''}
${usage.status === 200 ? barChart({ title: `Requests per day with ${k.name}, last 30 days`, points: days.map((d) => ({ label: d.day, value: d.count })) }) : html`<p class="muted">Usage is not available.</p>`}
</section>
${controls ? html`<section class="panel" aria-labelledby="actions-title"><h2 id="actions-title">${k.status === 'disabled' ? 'Enable or revoke' : 'Rotate, disable or revoke'}</h2>
${k.status === 'disabled' ? html`<p>The key is refused until it is enabled again.</p>${enableToggle(page, k, 'detail')}` : html`<form method="post" action="${page.base}${path}/rotate" data-dialog class="inline-form">${csrfField(page.csrf)}
${select({ id: 'grace', name: 'grace_period', label: 'Old key keeps working for', options: GRACE_CHOICES, value: '24h' })}
<button type="submit" class="button">Rotate</button></form>
${enableToggle(page, k, 'detail')}`}
<form method="get" action="${page.base}${path}/revoke" data-dialog><button type="submit" class="button danger">Revoke</button></form>
</section>` : ''}`);
}
