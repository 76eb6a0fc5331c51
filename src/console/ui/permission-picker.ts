import { MANAGEMENT_PERMISSIONS } from '../../domain/permissions.js';
import { describeScope } from '../../oauth/interactions/descriptions.js';
import { html, type Raw } from '../../oauth/interactions/html.js';

/** Where an API's permissions come from (SPEC §2a): Gatehouse itself, the operator's platform, or the organization. */
export type ApiKind = 'management' | 'platform' | 'organization' | 'other';

/** One API's permissions, as the picker groups them. */
export interface PermissionGroup {
  title: string;
  kind: ApiKind;
  permissions: string[];
}

/** An API as the vocabulary and resource listings describe it. */
export interface ApiPermissions {
  name: string;
  identifier: string;
  permissions: readonly string[];
}

const KIND_NOTE: Record<ApiKind, string> = {
  management: 'Gatehouse itself',
  platform: 'platform API',
  organization: "your organization's API",
  other: 'APIs this page cannot name',
};

/**
 * The permissions a person may hand out, grouped by API: the management API's, each platform
 * API's, each of the organization's own APIs', and any held permission none of those named (the
 * APIs are unknown without `resources:read`). Only permissions the person holds are offered (the
 * API refuses the others with 403 `permission_escalation` anyway).
 */
export function permissionGroups(held: readonly string[], apis: { platform: readonly ApiPermissions[]; organization: readonly ApiPermissions[] }): PermissionGroup[] {
  const holds = new Set(held);
  const placed = new Set<string>();
  const group = (title: string, kind: ApiKind, permissions: readonly string[]): PermissionGroup => {
    const offered = permissions.filter((p) => holds.has(p));
    offered.forEach((p) => placed.add(p));
    return { title, kind, permissions: offered };
  };
  const groups = [
    group('Gatehouse management API', 'management', MANAGEMENT_PERMISSIONS),
    ...apis.platform.map((r) => group(r.name || r.identifier, 'platform', r.permissions)),
    ...apis.organization.map((r) => group(r.name || r.identifier, 'organization', r.permissions)),
  ];
  groups.push({ title: 'Other permissions', kind: 'other', permissions: held.filter((p) => !placed.has(p)) });
  return groups.filter((g) => g.permissions.length > 0);
}

/** Checkbox groups (a fieldset per API) named `permissions`. */
export function permissionPicker(groups: PermissionGroup[], selected: readonly string[], error?: string): Raw {
  const chosen = new Set(selected);
  let n = 0;
  const fieldsets = groups.map((g) => html`<fieldset class="perm-group"><legend>${g.title} <small class="muted">${KIND_NOTE[g.kind]}</small></legend>
<ul class="perm-list">${g.permissions.map((p) => {
    const id = `perm-${n++}`;
    return html`<li><input type="checkbox" id="${id}" name="permissions" value="${p}"${chosen.has(p) ? html` checked` : ''}>
<label for="${id}"><code>${p}</code><small>${describeScope(p)}</small></label></li>`;
  })}</ul></fieldset>`);
  return html`<fieldset class="field permissions"${error ? html` aria-describedby="permissions-error"` : ''}><legend>Permissions</legend>
${groups.length ? fieldsets : html`<p class="hint">You hold no permission you could hand out.</p>`}
${error ? html`<p class="error" id="permissions-error">${error}</p>` : ''}</fieldset>`;
}
