import { html, type Raw } from '../../../oauth/interactions/html.js';
import type { RoleInfo } from './model.js';

/** Checkboxes named `roles`: the roles the person may hand out, with what each gives. */
export function rolePicker(offered: readonly RoleInfo[], selected: readonly string[], error?: string): Raw {
  const chosen = new Set(selected);
  return html`<fieldset class="field"${error ? html` aria-describedby="roles-error"` : ''}><legend>Roles</legend>
${offered.length ? offered.map((r, i) => html`<label class="choice"><input type="checkbox" name="roles" value="${r.name}" id="role-${i}"${chosen.has(r.name) ? html` checked` : ''}>
<span>${r.name}${r.description ? html`<small>${r.description}</small>` : ''}</span></label>`) : html`<p class="hint">You may hand out no role: each gives a permission you lack.</p>`}
${error ? html`<p class="error" id="roles-error">${error}</p>` : ''}</fieldset>`;
}
