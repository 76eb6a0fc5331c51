import { grantsAll } from '../../../domain/permissions.js';
import { html } from '../../../oauth/interactions/html.js';
import { problemOf, type Problem } from '../../api/calls.js';
import { badge, chips, hidden, when } from '../../ui/format.js';
import { secretReveal } from '../../ui/forms.js';
import { pageOf, redirectTo, type Outcome } from '../../ui/view.js';
import type { OrgPage, Section } from '../section.js';
import { apiFailure, confirmation, fetchListing, flash, pager } from '../shared.js';
import { createToken, newTokenForm } from './create.js';
import { PATH, READ, recognisable, scimBaseUrl, WRITE, type ScimTokenJson } from './model.js';

const FLASHES = { revoked: 'The SCIM token was revoked: requests with it fail from now on.' };
const STATUS_TONE = { active: 'ok', revoked: 'off', expired: 'warn' } as const;
const tokenPath = (page: OrgPage) => `/scim-tokens/${encodeURIComponent(page.params.id)}`;

/** Revoking a token needs every permission it holds (the API's rule): offered only then. */
const mayRevoke = (page: OrgPage, t: ScimTokenJson) => t.status === 'active' && page.can(WRITE) && grantsAll(page.permissions, t.permissions);

/** The SCIM base URL to paste into the identity provider, and the organization's SCIM tokens. */
async function list(page: OrgPage): Promise<Outcome> {
  const answer = await fetchListing<ScimTokenJson>(page, '/scim-tokens', 50);
  if (answer.status !== 200) return apiFailure('SCIM provisioning', problemOf(answer));
  const rows = answer.body.data.map((t) => html`<tr>
<th scope="row">${t.name}<span class="ident muted"><code>${recognisable(t)}</code></span></th>
<td data-label="Status">${badge(t.status, STATUS_TONE[t.status])}</td>
<td data-label="Permissions">${chips(t.permissions)}</td>
<td data-label="Created">${when(t.created_at, '—', true)}</td><td data-label="Last used">${when(t.last_used_at, 'Never', true)}</td>
<td data-label="Expires">${when(t.expires_at, 'Never', true)}</td>
<td>${mayRevoke(page, t) ? html`<form method="get" action="${page.base}${PATH}/${encodeURIComponent(t.id)}/revoke" data-dialog>
<button type="submit" class="button small danger">Revoke${hidden(` ${t.name}`)}</button></form>` : ''}</td></tr>`);
  return pageOf('SCIM provisioning', html`<div class="page-head"><div><h1 id="page-title">SCIM provisioning</h1>
<p class="lead">Your identity provider (Okta, Microsoft Entra ID, any SCIM 2.0 client) can invite, update and deprovision the people of ${page.org.name} and give them roles, through SCIM with a token made here.</p></div>
${page.can(WRITE) ? html`<form method="get" action="${page.base}${PATH}/new" data-dialog><button type="submit" class="button primary">Create SCIM token</button></form>` : ''}</div>
${flash(page, FLASHES)}
<section class="panel" aria-labelledby="scim-url-title"><h2 id="scim-url-title">Connect your identity provider</h2>
${secretReveal('scim-base-url', 'SCIM base URL', scimBaseUrl(page))}
<p class="hint">Okta: <strong>SCIM connector base URL</strong>, unique identifier <code>userName</code>, authentication <strong>HTTP Header</strong> with the token. Entra ID: <strong>Tenant URL</strong>, and the token as <strong>Secret Token</strong>. People it adds are invited by mail and join when they accept; groups are roles.</p>
</section>
<h2>SCIM tokens</h2>
${rows.length ? html`<div class="table-wrap"><table><caption class="vh">SCIM tokens</caption>
<thead><tr><th scope="col">Name</th><th scope="col">Status</th><th scope="col">Permissions</th><th scope="col">Created</th><th scope="col">Last used</th><th scope="col">Expires</th><th scope="col"><span class="vh">Actions</span></th></tr></thead>
<tbody>${rows}</tbody></table></div>` : html`<div class="empty"><p>No SCIM tokens yet.</p></div>`}
${pager(page, PATH.slice(1), answer.body.next_cursor)}`);
}

async function confirmRevoke(page: OrgPage, problem: Problem | null = null): Promise<Outcome> {
  const answer = await page.api.get<ScimTokenJson>(tokenPath(page));
  if (answer.status !== 200) return apiFailure('Revoke SCIM token', problemOf(answer));
  const t = answer.body;
  return confirmation(page, {
    title: 'Revoke SCIM token', question: `Revoke SCIM token “${t.name}”?`, submit: 'Revoke token', action: `${PATH}/${encodeURIComponent(t.id)}/revoke`, back: PATH, problem,
    body: html`<p>Requests with <code>${recognisable(t)}</code> fail from the next one on: provisioning from your identity provider stops until you give it a new token. This cannot be undone.</p>`,
  });
}

/** `DELETE …/scim-tokens/{id}`, then back to the list. */
async function revoke(page: OrgPage): Promise<Outcome> {
  const answer = await page.api.delete(tokenPath(page));
  return answer.status === 204 ? redirectTo(`${page.base}${PATH}?done=revoked`) : confirmRevoke(page, problemOf(answer));
}

/** SCIM provisioning: SCIM tokens (create with the permission picker, shown once; revoke with confirmation) and the SCIM base URL. */
export const scimSection: Section = {
  path: PATH.slice(1), title: 'SCIM provisioning', permission: READ,
  routes: [
    { method: 'GET', path: '', handle: list },
    { method: 'GET', path: '/new', handle: newTokenForm },
    { method: 'POST', path: '', handle: createToken },
    { method: 'GET', path: '/:id/revoke', handle: (page) => confirmRevoke(page) },
    { method: 'POST', path: '/:id/revoke', handle: revoke },
  ],
};
