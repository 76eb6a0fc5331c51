import { html } from '../../../oauth/interactions/html.js';
import type { Problem } from '../../api/calls.js';
import type { FormFields } from '../../http/form.js';
import { csrfField, field, fieldProblems, lines, problemAlert, radios } from '../../ui/forms.js';
import { permissionPicker } from '../../ui/permission-picker.js';
import { pageOf, type Outcome } from '../../ui/view.js';
import { grantablePermissions } from '../grantable.js';
import type { OrgPage } from '../section.js';
import { GRANTS, type ClientJson } from './model.js';

export type ClientDraft = Pick<ClientJson, 'name' | 'redirect_uris' | 'post_logout_redirect_uris' | 'grant_types' | 'permissions' | 'public'>;

export const EMPTY_CLIENT: ClientDraft = { name: '', redirect_uris: [], post_logout_redirect_uris: [], grant_types: ['authorization_code', 'refresh_token'], permissions: [], public: false };

export function clientDraftOf(form: FormFields): ClientDraft {
  return {
    name: form.get('name'), redirect_uris: lines(form.get('redirect_uris')), post_logout_redirect_uris: lines(form.get('post_logout_redirect_uris')),
    grant_types: form.all('grant_types'), permissions: form.all('permissions'), public: form.get('type') === 'public',
  };
}

/** The request body for the draft (type only when creating: it cannot change). */
export function clientBody(draft: ClientDraft, creating: boolean): Record<string, unknown> {
  const { public: isPublic, ...rest } = draft;
  return creating ? { ...rest, public: isPublic } : rest;
}

/** Registration and edit form: name, type (at registration), redirect URIs, grants, the app's own permissions. */
export async function clientForm(page: OrgPage, draft: ClientDraft, problem: Problem | null, clientId?: string): Promise<Outcome> {
  const errors = fieldProblems(problem);
  const title = clientId ? `Edit ${draft.name}` : 'Register an OAuth app';
  const grants = new Set(draft.grant_types);
  return pageOf(title, html`<section class="panel form-panel"><h1 id="page-title">${title}</h1>${problemAlert(problem)}
<form method="post" action="${page.base}/oauth-apps${clientId ? `/${encodeURIComponent(clientId)}` : ''}" data-dialog novalidate>${csrfField(page.csrf)}
${field({ id: 'app-name', name: 'name', label: 'Name', value: draft.name, required: true, autofocus: true, error: errors.get('name') })}
${clientId ? '' : radios({ name: 'type', legend: 'Type', value: draft.public ? 'public' : 'confidential', options: [
    ['confidential', 'Confidential', 'A server-side app that can keep a client secret.'], ['public', 'Public', 'A single-page or native app: no secret, PKCE only.']] })}
${field({ id: 'app-redirects', name: 'redirect_uris', label: 'Redirect URIs', value: draft.redirect_uris.join('\n'), multiline: true, error: errors.get('redirect_uris'), hint: 'One per line; exact matches only.', attrs: 'spellcheck="false"' })}
${field({ id: 'app-logout', name: 'post_logout_redirect_uris', label: 'Post-logout redirect URIs', value: draft.post_logout_redirect_uris.join('\n'), multiline: true, error: errors.get('post_logout_redirect_uris'), attrs: 'spellcheck="false"' })}
<fieldset class="field"><legend>Grant types</legend>${GRANTS.map(([v, label], i) => html`<label class="choice"><input type="checkbox" name="grant_types" value="${v}" id="grant-${i}"${grants.has(v) ? html` checked` : ''}><span>${label}</span></label>`)}
${errors.get('grant_types') ? html`<p class="error">${errors.get('grant_types')}</p>` : ''}</fieldset>
${permissionPicker(await grantablePermissions(page), draft.permissions, errors.get('permissions'))}
<div class="form-actions"><button type="submit" class="button primary">${clientId ? 'Save' : 'Register'}</button><a class="button" href="${page.base}/oauth-apps" data-close>Cancel</a></div>
</form></section>`, problem ? problem.status : 200);
}
