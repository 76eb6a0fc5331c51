import { html, type Raw } from '../../../oauth/interactions/html.js';
import { problemOf } from '../../api/calls.js';
import { badge, hidden, when } from '../../ui/format.js';
import { csrfField } from '../../ui/forms.js';
import { pageOf, type Outcome } from '../../ui/view.js';
import type { OrgPage } from '../section.js';
import { apiFailure, fetchListing, flash, pager, type Listing } from '../shared.js';
import { memberLabel, roleCatalogue, WRITE, type InvitationJson, type MemberJson, type RoleCatalogue } from './model.js';

const FLASHES = {
  invited: 'The invitation was sent: the link in it works once, for 7 days.',
  revoked: 'The invitation was revoked: its link no longer works.',
  roles: 'The member\'s roles were changed.',
  disabled: 'The member was disabled: they cannot sign in here, and their API keys were revoked.',
  enabled: 'The member was enabled: they can sign in again.',
  removed: 'The member was removed: their API keys were revoked.',
};

const chips = (items: readonly string[]): Raw => html`<ul class="chips">${items.map((r) => html`<li><code>${r}</code></li>`)}</ul>`;

function memberActions(page: OrgPage, m: MemberJson, catalogue: RoleCatalogue): Raw {
  if (!catalogue.controls(m)) return html``;
  const base = `${page.base}/members/${encodeURIComponent(m.id)}`;
  const who = hidden(` ${memberLabel(m)}`);
  const toggle = m.disabled
    ? html`<form method="post" action="${base}/enable">${csrfField(page.csrf)}<button type="submit" class="button small">Enable${who}</button></form>`
    : html`<form method="get" action="${base}/disable" data-dialog><button type="submit" class="button small">Disable${who}</button></form>`;
  return html`<div class="actions">
<form method="get" action="${base}/roles" data-dialog><button type="submit" class="button small">Change roles${who}</button></form>
${toggle}
<form method="get" action="${base}/remove" data-dialog><button type="submit" class="button small danger">Remove${who}</button></form>
</div>`;
}

function memberRow(page: OrgPage, m: MemberJson, catalogue: RoleCatalogue): Raw {
  const you = m.id === page.me.userId ? html` <span class="muted">(you)</span>` : '';
  return html`<tr>
<th scope="row">${memberLabel(m)}${you}${m.name && m.email ? html`<span class="ident muted">${m.name}</span>` : ''}</th>
<td data-label="Roles">${m.roles.length ? chips(m.roles) : html`<span class="muted">none</span>`}</td>
<td data-label="Status">${m.disabled ? badge('disabled', 'off') : badge('enabled', 'ok')}</td>
<td data-label="Joined">${when(m.joined_at, '—', true)}</td>
<td>${memberActions(page, m, catalogue)}</td>
</tr>`;
}

/** Pending invitations (the listing has every status, newest first): email, roles, when, until when; revoke. */
async function invitations(page: OrgPage): Promise<Raw> {
  const answer = await page.api.get<Listing<InvitationJson>>('/invitations?limit=100');
  if (answer.status !== 200) return html`<p class="muted">Invitations are not available.</p>`;
  const pending = answer.body.data.filter((i) => i.status === 'pending');
  if (!pending.length) return html`<div class="empty"><p>No pending invitations.</p></div>`;
  const rows = pending.map((i) => html`<tr>
<th scope="row">${i.email}</th><td data-label="Roles">${chips(i.roles)}</td>
<td data-label="Invited">${when(i.created_at, '—', true)}</td><td data-label="Expires">${when(i.expires_at, '—', true)}</td>
<td>${page.can(WRITE) ? html`<form method="post" action="${page.base}/members/invitations/${encodeURIComponent(i.id)}/revoke">${csrfField(page.csrf)}
<button type="submit" class="button small danger">Revoke${hidden(` the invitation of ${i.email}`)}</button></form>` : ''}</td></tr>`);
  return html`<div class="table-wrap"><table><caption class="vh">Pending invitations</caption>
<thead><tr><th scope="col">Email</th><th scope="col">Roles</th><th scope="col">Invited</th><th scope="col">Expires</th><th scope="col"><span class="vh">Actions</span></th></tr></thead>
<tbody>${rows}</tbody></table></div>`;
}

/** Members (email, roles, status, joined) with the actions the person may take, then pending invitations. */
export async function listMembers(page: OrgPage): Promise<Outcome> {
  const [answer, catalogue, pending] = await Promise.all([fetchListing<MemberJson>(page, '/users', 50), roleCatalogue(page), invitations(page)]);
  if (answer.status !== 200) return apiFailure('Members', problemOf(answer));
  return pageOf('Members', html`<div class="page-head">
<div><h1 id="page-title">Members</h1><p class="lead">People in ${page.org.name} and their roles. People join by accepting an invitation sent to their email.</p></div>
${page.can(WRITE) ? html`<form method="get" action="${page.base}/members/invite" data-dialog><button type="submit" class="button primary">Invite member</button></form>` : ''}
</div>
${flash(page, FLASHES)}
<div class="table-wrap"><table><caption class="vh">Members of ${page.org.name}</caption>
<thead><tr><th scope="col">Member</th><th scope="col">Roles</th><th scope="col">Status</th><th scope="col">Joined</th><th scope="col"><span class="vh">Actions</span></th></tr></thead>
<tbody>${answer.body.data.map((m) => memberRow(page, m, catalogue))}</tbody></table></div>
${pager(page, 'members', answer.body.next_cursor)}
<section class="section-gap" aria-labelledby="invitations-title"><h2 id="invitations-title">Pending invitations</h2>
${pending}</section>`);
}
