import { html } from '../../oauth/interactions/html.js';
import { problemOf } from '../api/calls.js';
import { when } from '../ui/format.js';
import { pageOf, type Outcome } from '../ui/view.js';
import type { OrgPage, Section } from './section.js';
import { apiFailure, fetchListing, pager } from './shared.js';

interface AuditEventJson {
  id: string; action: string; at: string; ip: string | null;
  actor: { type: string; id: string | null };
  target: { type: string; id: string } | null;
}

async function list(page: OrgPage): Promise<Outcome> {
  const answer = await fetchListing<AuditEventJson>(page, '/audit-logs', 50);
  if (answer.status !== 200) return apiFailure('Audit log', problemOf(answer));
  const rows = answer.body.data.map((e) => html`<tr>
<td data-label="When">${when(e.at)}</td><th scope="row"><code>${e.action}</code></th>
<td data-label="Actor">${e.actor.type}${e.actor.id ? html` <code>${e.actor.id}</code>` : ''}</td>
<td data-label="Target">${e.target ? html`${e.target.type} <code>${e.target.id}</code>` : html`<span class="muted">—</span>`}</td>
<td data-label="IP address">${e.ip ?? ''}</td></tr>`);
  return pageOf('Audit log', html`<div class="page-head"><div><h1 id="page-title">Audit log</h1>
<p class="lead">Who changed what in ${page.org.name}, newest first.</p></div></div>
${rows.length ? html`<div class="table-wrap"><table><caption class="vh">Audit events, newest first</caption>
<thead><tr><th scope="col">When</th><th scope="col">Action</th><th scope="col">Actor</th><th scope="col">Target</th><th scope="col">IP address</th></tr></thead>
<tbody>${rows}</tbody></table></div>` : html`<div class="empty"><p>No events yet.</p></div>`}
${pager(page, 'audit-log', answer.body.next_cursor)}`);
}

/** The audit log, newest first, a page at a time. */
export const auditSection: Section = {
  path: 'audit-log', title: 'Audit log', permission: 'audit:read',
  routes: [{ method: 'GET', path: '', handle: list }],
};
