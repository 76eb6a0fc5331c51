import { html } from '../../oauth/interactions/html.js';
import { problemOf, type Problem } from '../api/calls.js';
import { csrfField, field, fieldProblems, problemAlert } from '../ui/forms.js';
import { hidden } from '../ui/format.js';
import { permissionPicker } from '../ui/permission-picker.js';
import { pageOf, redirectTo, type Outcome } from '../ui/view.js';
import { grantablePermissions } from './grantable.js';
import type { OrgPage, Section } from './section.js';
import { apiFailure, confirmation, fetchListing, flash, pager } from './shared.js';

interface RoleJson { id: string; name: string; description: string | null; permissions: string[] }

const WRITE = 'roles:write';
const FLASHES = { created: 'The role was created.', updated: 'The role was saved.', deleted: 'The role was deleted.' };
const rolePath = (page: OrgPage) => `/roles/${encodeURIComponent(page.params.id)}`;

async function list(page: OrgPage): Promise<Outcome> {
  const answer = await fetchListing<RoleJson>(page, '/roles', 50);
  if (answer.status !== 200) return apiFailure('Roles', problemOf(answer));
  const rows = answer.body.data.map((r) => html`<tr>
<th scope="row">${r.name}</th><td data-label="Description">${r.description ?? ''}</td>
<td data-label="Permissions"><ul class="chips">${r.permissions.map((p) => html`<li><code>${p}</code></li>`)}</ul></td>
<td>${page.can(WRITE) ? html`<div class="actions"><a class="button small" href="${page.base}/roles/${encodeURIComponent(r.id)}/edit">Edit${hidden(` ${r.name}`)}</a>
<form method="get" action="${page.base}/roles/${encodeURIComponent(r.id)}/delete" data-dialog><button type="submit" class="button small danger">Delete${hidden(` ${r.name}`)}</button></form></div>` : ''}</td>
</tr>`);
  return pageOf('Roles', html`<div class="page-head"><div><h1 id="page-title">Roles</h1>
<p class="lead">Built in: <strong>admin</strong> holds every permission of ${page.org.name}; <strong>member</strong> holds every <code>:read</code> one. Custom roles hold the permissions you choose.</p></div>
${page.can(WRITE) ? html`<form method="get" action="${page.base}/roles/new"><button type="submit" class="button primary">Create role</button></form>` : ''}</div>
${flash(page, FLASHES)}
${rows.length ? html`<div class="table-wrap"><table><caption class="vh">Custom roles</caption>
<thead><tr><th scope="col">Name</th><th scope="col">Description</th><th scope="col">Permissions</th><th scope="col"><span class="vh">Actions</span></th></tr></thead>
<tbody>${rows}</tbody></table></div>` : html`<div class="empty"><p>No custom roles yet.</p></div>`}
${pager(page, 'roles', answer.body.next_cursor)}`);
}

async function roleForm(page: OrgPage, role: Partial<RoleJson>, problem: Problem | null): Promise<Outcome> {
  const errors = fieldProblems(problem);
  const editing = Boolean(role.id);
  const title = editing ? `Edit role ${role.name}` : 'Create role';
  return pageOf(title, html`<section class="panel form-panel"><h1 id="page-title">${title}</h1>${problemAlert(problem)}
<form method="post" action="${page.base}/roles${editing ? `/${encodeURIComponent(role.id!)}` : ''}" novalidate>${csrfField(page.csrf)}
${editing ? '' : field({ id: 'role-name', name: 'name', label: 'Name', value: role.name, required: true, autofocus: true, error: errors.get('name'), hint: 'Lower case, e.g. billing-admin.' })}
${field({ id: 'role-description', name: 'description', label: 'Description', value: role.description ?? '', error: errors.get('description') })}
${permissionPicker(await grantablePermissions(page), role.permissions ?? [], errors.get('permissions'))}
<div class="form-actions"><button type="submit" class="button primary">${editing ? 'Save' : 'Create'}</button><a class="button" href="${page.base}/roles">Cancel</a></div>
</form></section>`, problem ? problem.status : 200);
}

async function create(page: OrgPage): Promise<Outcome> {
  const f = page.form!;
  const draft = { name: f.get('name'), description: f.get('description') || null, permissions: f.all('permissions') };
  const answer = await page.api.post('/roles', draft);
  return answer.status === 201 ? redirectTo(`${page.base}/roles?done=created`) : roleForm(page, draft, problemOf(answer));
}

async function edit(page: OrgPage): Promise<Outcome> {
  const answer = await page.api.get<RoleJson>(rolePath(page));
  return answer.status === 200 ? roleForm(page, answer.body, null) : apiFailure('Edit role', problemOf(answer));
}

async function update(page: OrgPage): Promise<Outcome> {
  const f = page.form!;
  const patch = { description: f.get('description') || null, permissions: f.all('permissions') };
  const answer = await page.api.patch(rolePath(page), patch);
  return answer.status === 200 ? redirectTo(`${page.base}/roles?done=updated`)
    : roleForm(page, { id: page.params.id, name: page.params.id, ...patch }, problemOf(answer));
}

async function confirmDelete(page: OrgPage): Promise<Outcome> {
  const answer = await page.api.get<RoleJson>(rolePath(page));
  if (answer.status !== 200) return apiFailure('Delete role', problemOf(answer));
  return confirmation(page, {
    title: 'Delete role', question: `Delete role “${answer.body.name}”?`, submit: 'Delete role', action: `${rolePath(page)}/delete`, back: '/roles',
    body: html`<p>A role still held by a member cannot be deleted: take it away from them first.</p>`,
  });
}

async function remove(page: OrgPage): Promise<Outcome> {
  const answer = await page.api.delete(rolePath(page));
  return answer.status === 204 ? redirectTo(`${page.base}/roles?done=deleted`) : apiFailure('Delete role', problemOf(answer));
}

/** Custom roles: list, create and edit with the permission picker, delete with confirmation. */
export const rolesSection: Section = {
  path: 'roles', title: 'Roles', permission: 'roles:read',
  routes: [
    { method: 'GET', path: '', handle: list },
    { method: 'GET', path: '/new', handle: (page) => roleForm(page, {}, null) },
    { method: 'POST', path: '', handle: create },
    { method: 'GET', path: '/:id/edit', handle: edit },
    { method: 'POST', path: '/:id', handle: update },
    { method: 'GET', path: '/:id/delete', handle: confirmDelete },
    { method: 'POST', path: '/:id/delete', handle: remove },
  ],
};
