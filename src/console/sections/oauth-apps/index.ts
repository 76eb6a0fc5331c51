import { html } from '../../../oauth/interactions/html.js';
import { problemOf } from '../../api/calls.js';
import { badge, hidden, when } from '../../ui/format.js';
import { csrfField, secretReveal } from '../../ui/forms.js';
import { pageOf, redirectTo, type Outcome } from '../../ui/view.js';
import type { OrgPage, Section } from '../section.js';
import { apiFailure, fetchListing, flash, pager } from '../shared.js';
import { clientBody, clientDraftOf, clientForm, EMPTY_CLIENT } from './form.js';
import { WRITE, type ClientJson } from './model.js';

const FLASHES = { updated: 'The app was saved.', deleted: 'The app was deleted: its tokens stop working.' };
const appPath = (page: OrgPage) => `/clients/${encodeURIComponent(page.params.id)}`;

async function list(page: OrgPage): Promise<Outcome> {
  const answer = await fetchListing<ClientJson>(page, '/clients', 50);
  if (answer.status !== 200) return apiFailure('OAuth apps', problemOf(answer));
  const rows = answer.body.data.map((c) => html`<tr>
<th scope="row"><a href="${page.base}/oauth-apps/${encodeURIComponent(c.client_id)}">${c.name}</a></th>
<td data-label="Client ID"><code>${c.client_id}</code></td><td data-label="Type">${badge(c.public ? 'public' : 'confidential')}</td>
<td data-label="Redirect URIs">${c.redirect_uris.length ? html`<ul class="plain">${c.redirect_uris.map((u) => html`<li><code>${u}</code></li>`)}</ul>` : html`<span class="muted">—</span>`}</td>
<td data-label="Registered">${when(c.created_at, '—', true)}</td></tr>`);
  return pageOf('OAuth apps', html`<div class="page-head"><div><h1 id="page-title">OAuth apps</h1>
<p class="lead">Applications that sign in ${page.org.name}'s people, or act for themselves with client credentials.</p></div>
${page.can(WRITE) ? html`<form method="get" action="${page.base}/oauth-apps/new" data-dialog><button type="submit" class="button primary">Register app</button></form>` : ''}</div>
${flash(page, FLASHES)}
${rows.length ? html`<div class="table-wrap"><table><caption class="vh">OAuth apps</caption>
<thead><tr><th scope="col">Name</th><th scope="col">Client ID</th><th scope="col">Type</th><th scope="col">Redirect URIs</th><th scope="col">Registered</th></tr></thead>
<tbody>${rows}</tbody></table></div>` : html`<div class="empty"><p>No apps registered yet.</p></div>`}
${pager(page, 'oauth-apps', answer.body.next_cursor)}`);
}

/** The client id and, for a confidential app, its secret: shown this once. */
function issued(page: OrgPage, c: ClientJson, title: string): Outcome {
  return pageOf(title, html`<section class="panel form-panel" data-reload-on-close><h1 id="page-title">${title}</h1>
<dl class="facts"><dt>Client ID</dt><dd><code>${c.client_id}</code></dd></dl>
${c.client_secret ? html`<div class="notice warn" role="status">Copy the secret now. It will not be shown again.</div>${secretReveal('client-secret', 'Client secret', c.client_secret)}`
    : html`<p>A public app has no secret: it uses PKCE.</p>`}
<div class="form-actions"><a class="button primary" href="${page.base}/oauth-apps/${encodeURIComponent(c.client_id)}" data-close>Done</a></div></section>`, 201);
}

async function create(page: OrgPage): Promise<Outcome> {
  const draft = clientDraftOf(page.form!);
  const answer = await page.api.post<ClientJson>('/clients', clientBody(draft, true));
  return answer.status === 201 ? issued(page, answer.body, 'App registered') : clientForm(page, draft, problemOf(answer));
}

async function show(page: OrgPage): Promise<Outcome> {
  const answer = await page.api.get<ClientJson>(appPath(page));
  if (answer.status !== 200) return apiFailure('OAuth app', problemOf(answer));
  const c = answer.body;
  if (page.can(WRITE)) {
    const form = await clientForm(page, c, null, c.client_id);
    if (form.kind !== 'page') return form;
    const base = `${page.base}/oauth-apps/${encodeURIComponent(c.client_id)}`;
    return pageOf(c.name, html`<p class="crumbs"><a href="${page.base}/oauth-apps">OAuth apps</a></p>
<section class="panel"><dl class="facts"><dt>Client ID</dt><dd><code>${c.client_id}</code></dd><dt>Type</dt><dd>${c.public ? 'Public' : 'Confidential'}</dd></dl></section>
${form.body}
<section class="panel"><h2>Secret and removal</h2><div class="actions">
${c.public ? '' : html`<form method="get" action="${base}/rotate-secret" data-dialog><button type="submit" class="button">Rotate secret${hidden(` of ${c.name}`)}</button></form>`}
<form method="get" action="${base}/delete" data-dialog><button type="submit" class="button danger">Delete app${hidden(` ${c.name}`)}</button></form></div></section>`);
  }
  return pageOf(c.name, html`<p class="crumbs"><a href="${page.base}/oauth-apps">OAuth apps</a></p><h1 id="page-title">${c.name}</h1>
<section class="panel"><dl class="facts"><dt>Client ID</dt><dd><code>${c.client_id}</code></dd><dt>Type</dt><dd>${c.public ? 'Public' : 'Confidential'}</dd>
<dt>Redirect URIs</dt><dd>${c.redirect_uris.join(', ') || '—'}</dd><dt>Grant types</dt><dd>${c.grant_types.join(', ')}</dd></dl></section>`);
}

async function update(page: OrgPage): Promise<Outcome> {
  const draft = clientDraftOf(page.form!);
  const answer = await page.api.patch<ClientJson>(appPath(page), clientBody(draft, false));
  return answer.status === 200 ? redirectTo(`${page.base}/oauth-apps?done=updated`) : clientForm(page, draft, problemOf(answer), page.params.id);
}

/** A confirmation page for a destructive action on the app. */
function confirm(page: OrgPage, action: 'rotate-secret' | 'delete', title: string, text: string, button: string): Outcome {
  return pageOf(title, html`<section class="panel form-panel"><h1 id="page-title">${title}</h1><p>${text}</p>
<form method="post" action="${page.base}/oauth-apps/${encodeURIComponent(page.params.id)}/${action}" data-dialog>${csrfField(page.csrf)}
<div class="form-actions"><button type="submit" class="button danger">${button}</button><a class="button" href="${page.base}/oauth-apps" data-close autofocus>Cancel</a></div></form></section>`);
}

async function rotateSecret(page: OrgPage): Promise<Outcome> {
  const answer = await page.api.post<ClientJson>(`${appPath(page)}/rotate-secret`);
  return answer.status === 201 ? issued(page, answer.body, 'Secret rotated') : apiFailure('Rotate secret', problemOf(answer));
}

async function remove(page: OrgPage): Promise<Outcome> {
  const answer = await page.api.delete(appPath(page));
  return answer.status === 204 ? redirectTo(`${page.base}/oauth-apps?done=deleted`) : apiFailure('Delete app', problemOf(answer));
}

/** OAuth apps (clients): register (secret shown once), edit redirect URIs and grants, rotate the secret, delete. */
export const oauthAppsSection: Section = {
  path: 'oauth-apps', title: 'OAuth apps', permission: 'clients:read',
  routes: [
    { method: 'GET', path: '', handle: list },
    { method: 'GET', path: '/new', handle: (page) => clientForm(page, EMPTY_CLIENT, null) },
    { method: 'POST', path: '', handle: create },
    { method: 'GET', path: '/:id', handle: show },
    { method: 'POST', path: '/:id', handle: update },
    { method: 'GET', path: '/:id/rotate-secret', handle: async (page) => confirm(page, 'rotate-secret', 'Rotate the client secret?', 'The current secret stops working at once; the app needs the new one.', 'Rotate secret') },
    { method: 'POST', path: '/:id/rotate-secret', handle: rotateSecret },
    { method: 'GET', path: '/:id/delete', handle: async (page) => confirm(page, 'delete', 'Delete this app?', 'Its tokens stop working and people can no longer sign in to it.', 'Delete app') },
    { method: 'POST', path: '/:id/delete', handle: remove },
  ],
};
