import { missing } from '../../domain/permissions.js';
import { html, type Raw } from '../../oauth/interactions/html.js';
import { problemOf } from '../api/calls.js';
import { hidden, when } from '../ui/format.js';
import { pageOf, redirectTo, type Outcome } from '../ui/view.js';
import type { OrgPage, Section } from './section.js';
import { apiFailure, confirmation, fetchListing, flash, pager } from './shared.js';

interface ConnectedAppJson {
  client_id: string;
  name: string;
  owner_organization: { id: string; slug: string; name: string } | null;
  permissions: string[];
  last_authorized_at: string;
  members: Array<{ user_id: string; email: string | null }>;
  members_truncated: boolean;
}

const WRITE = 'clients:write';
const FLASHES = { disconnected: 'The app was disconnected: its refresh tokens for this organization stopped working.' };
const appPath = (page: OrgPage) => `/connected-apps/${encodeURIComponent(page.params.id)}`;
const members = (a: ConnectedAppJson) => `${a.members.length}${a.members_truncated ? '+' : ''} member${a.members.length === 1 && !a.members_truncated ? '' : 's'}`;
const owner = (a: ConnectedAppJson) => a.owner_organization ? html`${a.owner_organization.name} <span class="muted">${a.owner_organization.slug}</span>` : html`<span class="muted">deleted organization</span>`;

/**
 * Why this person cannot disconnect the app (null: they can); the API refuses it anyway. The
 * console's token carries every permission of the organization's vocabulary the person holds,
 * other APIs' included.
 */
function refusal(page: OrgPage, app: ConnectedAppJson): string | null {
  if (!page.can(WRITE)) return `Disconnecting needs ${WRITE}.`;
  const lacking = missing(page.permissions, app.permissions);
  return lacking.length ? `It holds permissions you lack (${lacking.join(', ')}), so you cannot disconnect it.` : null;
}

const permissionChips = (permissions: string[]): Raw => permissions.length
  ? html`<ul class="chips">${permissions.map((p) => html`<li><code>${p}</code></li>`)}</ul>` : html`<span class="muted">sign-in only</span>`;

async function list(page: OrgPage): Promise<Outcome> {
  const answer = await fetchListing<ConnectedAppJson>(page, '/connected-apps', 50);
  if (answer.status !== 200) return apiFailure('Connected apps', problemOf(answer));
  const rows = answer.body.data.map((a) => {
    const why = refusal(page, a);
    return html`<tr>
<th scope="row">${a.name} <code class="muted ident">${a.client_id}</code></th><td data-label="Registered by">${owner(a)}</td>
<td data-label="Permissions">${permissionChips(a.permissions)}</td><td data-label="Authorized by">${members(a)}</td>
<td data-label="Last authorized">${when(a.last_authorized_at, '—', true)}</td>
<td>${why === null ? html`<form method="get" action="${page.base}/connected-apps/${encodeURIComponent(a.client_id)}/disconnect" data-dialog>
<button type="submit" class="button small danger">Disconnect${hidden(` ${a.name}`)}</button></form>` : page.can(WRITE) ? html`<span class="muted">${why}</span>` : ''}</td></tr>`;
  });
  return pageOf('Connected apps', html`<div class="page-head"><div><h1 id="page-title">Connected apps</h1>
<p class="lead">Apps that ${page.org.name}'s members allowed to act for ${page.org.name}, whoever registered them. Disconnecting one ends its access here for every member at once.</p></div></div>
${flash(page, FLASHES)}
${rows.length ? html`<div class="table-wrap"><table><caption class="vh">Connected apps</caption>
<thead><tr><th scope="col">App</th><th scope="col">Registered by</th><th scope="col">Permissions</th><th scope="col">Authorized by</th><th scope="col">Last authorized</th><th scope="col"><span class="vh">Actions</span></th></tr></thead>
<tbody>${rows}</tbody></table></div>` : html`<div class="empty"><p>No member has connected an app yet.</p></div>`}
${pager(page, 'connected-apps', answer.body.next_cursor)}
<p class="muted">This console is not listed: it is part of Gatehouse, not an app. Who can use it here follows membership and roles (remove a member to end their access), and signing out ends a console session and its access.</p>`);
}

async function confirmDisconnect(page: OrgPage): Promise<Outcome> {
  const answer = await page.api.get<ConnectedAppJson>(appPath(page));
  if (answer.status !== 200) return apiFailure('Disconnect app', problemOf(answer));
  const app = answer.body;
  const why = refusal(page, app);
  if (why !== null) return apiFailure('Disconnect app', { status: 403, detail: why });
  const who = app.members.map((m) => html`<li>${m.email ?? m.user_id}</li>`);
  return confirmation(page, {
    title: 'Disconnect app', question: `Disconnect “${app.name}” from ${page.org.name}?`, submit: 'Disconnect app', action: `${appPath(page)}/disconnect`, back: '/connected-apps',
    body: html`<p>${app.name} stops acting for ${page.org.name} at once: the refresh tokens of the ${members(app)} who authorized it stop working, and access tokens
already issued expire within their lifetime (an hour at most). Its access to other organizations is not affected. A member can authorize it again later, and is asked for consent again.</p>
<h2>Authorized by</h2><ul>${who}</ul>${app.members_truncated ? html`<p class="muted">and more.</p>` : ''}`,
  });
}

async function disconnect(page: OrgPage): Promise<Outcome> {
  const answer = await page.api.delete(appPath(page));
  return answer.status === 204 ? redirectTo(`${page.base}/connected-apps?done=disconnected`) : apiFailure('Disconnect app', problemOf(answer));
}

/** Connected apps (SPEC §3, §8): the apps members authorized for this organization; disconnect with confirmation. */
export const connectedAppsSection: Section = {
  path: 'connected-apps', title: 'Connected apps', permission: 'clients:read',
  routes: [
    { method: 'GET', path: '', handle: list },
    { method: 'GET', path: '/:id/disconnect', handle: confirmDisconnect },
    { method: 'POST', path: '/:id/disconnect', handle: disconnect },
  ],
};
