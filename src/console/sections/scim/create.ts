import { html } from '../../../oauth/interactions/html.js';
import { problemOf, type Problem } from '../../api/calls.js';
import { csrfField, field, fieldProblems, problemAlert, secretReveal, select } from '../../ui/forms.js';
import { permissionPicker } from '../../ui/permission-picker.js';
import { chips, when } from '../../ui/format.js';
import { pageOf, type Outcome } from '../../ui/view.js';
import { grantablePermissions } from '../grantable.js';
import type { OrgPage } from '../section.js';
import { LIFETIMES, PATH, suggestedPermissions, type ScimTokenJson } from './model.js';

interface Draft {
  name: string;
  permissions: string[];
  expires_in: string;
}

/** The form (a page, or the dialog's content): name, permissions from the picker (only those the person holds), lifetime. */
async function form(page: OrgPage, draft: Draft, problem: Problem | null): Promise<Outcome> {
  const errors = fieldProblems(problem);
  return pageOf('Create SCIM token', html`<section class="panel form-panel">
<h1 id="page-title">Create SCIM token</h1>
${problemAlert(problem)}
<form method="post" action="${page.base}${PATH}" data-dialog novalidate>${csrfField(page.csrf)}
${field({ id: 'scim-name', name: 'name', label: 'Name', value: draft.name, required: true, autofocus: true, error: errors.get('name'),
    hint: 'The identity provider it is for, e.g. Okta.', attrs: 'maxlength="100" autocomplete="off"' })}
<p class="hint" id="scim-permissions-hint">The identity provider can do only what the token holds: <code>users:read</code> and <code>users:write</code> to provision people, <code>roles:read</code> for groups (<code>roles:write</code> to create and delete them), and every permission of each role it gives: for <strong>member</strong>, every <code>:read</code> permission (ticked for you); for <strong>admin</strong>, all of them.</p>
${permissionPicker(await grantablePermissions(page), draft.permissions, errors.get('permissions'))}
${select({ id: 'scim-expiry', name: 'expires_in', label: 'Expires after', options: LIFETIMES, value: draft.expires_in, error: errors.get('expires_in') })}
<div class="form-actions"><button type="submit" class="button primary">Create</button>
<a class="button" href="${page.base}${PATH}" data-close>Cancel</a></div>
</form></section>`, problem?.status);
}

export const newTokenForm = (page: OrgPage) => form(page, { name: '', permissions: suggestedPermissions(page), expires_in: '' }, null);

/** The one time a token is shown: in a field labelled "New SCIM token", with the base URL beside it, each with a copy button. */
function issued(page: OrgPage, t: ScimTokenJson): Outcome {
  return pageOf('SCIM token created', html`<section class="panel form-panel" data-reload-on-close>
<h1 id="page-title">SCIM token created</h1>
<div class="notice warn" role="status">Copy the token now. It is not stored anywhere and will not be shown again.</div>
${secretReveal('new-scim-token', 'New SCIM token', t.token ?? '')}
${secretReveal('issued-scim-base-url', 'SCIM base URL', t.scim_base_url ?? '')}
<p>In your identity provider, the base URL goes in Okta's <strong>SCIM connector base URL</strong> or Entra ID's <strong>Tenant URL</strong>, and the token is the bearer token (Okta: <strong>HTTP Header</strong>; Entra ID: <strong>Secret Token</strong>).</p>
<dl class="facts">
<dt>Name</dt><dd>${t.name}</dd>
<dt>Permissions</dt><dd>${chips(t.permissions)}</dd>
<dt>Expires</dt><dd>${when(t.expires_at, 'Never')}</dd>
</dl>
<div class="form-actions"><a class="button primary" href="${page.base}${PATH}" data-close>Done</a></div>
</section>`, 201);
}

/** `POST …/scim-tokens`; on 201 the token, once. */
export async function createToken(page: OrgPage): Promise<Outcome> {
  const f = page.form!;
  const draft: Draft = { name: f.get('name'), permissions: f.all('permissions'), expires_in: f.get('expires_in') };
  const answer = await page.api.post<ScimTokenJson>('/scim-tokens', {
    name: draft.name, permissions: draft.permissions, ...(draft.expires_in ? { expires_in: draft.expires_in } : {}),
  });
  return answer.status === 201 ? issued(page, answer.body) : form(page, draft, problemOf(answer));
}
