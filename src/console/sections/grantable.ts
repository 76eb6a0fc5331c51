import { permissionGroups, type PermissionGroup } from '../ui/permission-picker.js';
import type { Listing } from './shared.js';
import type { OrgPage } from './section.js';

/** The permissions the person may hand out, grouped by API (the organization's resources named when they may read them). */
export async function grantablePermissions(page: OrgPage): Promise<PermissionGroup[]> {
  let resources: Array<{ name: string; identifier: string; permissions: string[] }> = [];
  if (page.can('resources:read')) {
    const answer = await page.api.get<Listing<{ name: string; identifier: string; permissions: string[] }>>('/resources?limit=100');
    if (answer.status === 200) resources = answer.body.data;
  }
  return permissionGroups(page.permissions, resources);
}
