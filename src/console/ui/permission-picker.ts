import { MANAGEMENT_PERMISSIONS } from '../../domain/permissions.js';
import { describeScope } from '../../oauth/interactions/descriptions.js';
import { html, type Raw } from '../../oauth/interactions/html.js';

/** One API's permissions, as the picker groups them. */
export interface PermissionGroup {
  title: string;
  permissions: string[];
}

/**
 * The permissions a person may hand out, grouped by API: the management API's, then each
 * registered resource's. Only permissions the person holds are offered (the API refuses the
 * others with 403 `permission_escalation` anyway).
 */
export function permissionGroups(held: readonly string[], resources: ReadonlyArray<{ name: string; identifier: string; permissions: string[] }>): PermissionGroup[] {
  const holds = new Set(held);
  const groups: PermissionGroup[] = [{ title: 'Gatehouse management API', permissions: MANAGEMENT_PERMISSIONS.filter((p) => holds.has(p)) }];
  for (const r of resources) groups.push({ title: r.name || r.identifier, permissions: r.permissions.filter((p) => holds.has(p)) });
  return groups.filter((g) => g.permissions.length > 0);
}

/** Checkbox groups (a fieldset per API) named `permissions`. */
export function permissionPicker(groups: PermissionGroup[], selected: readonly string[], error?: string): Raw {
  const chosen = new Set(selected);
  let n = 0;
  const fieldsets = groups.map((g) => html`<fieldset class="perm-group"><legend>${g.title}</legend>
<ul class="perm-list">${g.permissions.map((p) => {
    const id = `perm-${n++}`;
    return html`<li><input type="checkbox" id="${id}" name="permissions" value="${p}"${chosen.has(p) ? html` checked` : ''}>
<label for="${id}"><code>${p}</code><small>${describeScope(p)}</small></label></li>`;
  })}</ul></fieldset>`);
  return html`<fieldset class="field permissions"${error ? html` aria-describedby="permissions-error"` : ''}><legend>Permissions</legend>
${groups.length ? fieldsets : html`<p class="hint">You hold no permission you could hand out.</p>`}
${error ? html`<p class="error" id="permissions-error">${error}</p>` : ''}</fieldset>`;
}
