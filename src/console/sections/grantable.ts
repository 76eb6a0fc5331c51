import { permissionGroups, type ApiPermissions, type PermissionGroup } from '../ui/permission-picker.js';
import type { Listing } from './shared.js';
import type { OrgPage } from './section.js';

/** `GET …/vocabulary`: what the organization may grant, and the platform APIs it comes from. */
export interface VocabularyJson {
  permissions: string[];
  withheld: string[];
  platform_resources: ApiPermissions[];
}

/** The organization's vocabulary, or null when the person may not read it (it needs `resources:read`). */
export async function vocabularyOf(page: OrgPage): Promise<VocabularyJson | null> {
  if (!page.can('resources:read')) return null;
  const answer = await page.api.get<VocabularyJson>('/vocabulary');
  return answer.status === 200 ? answer.body : null;
}

/**
 * The permissions the person may hand out, grouped by API from the organization's vocabulary
 * (the platform APIs) and its own APIs: what they hold of it, since the token the console acts
 * with carries every permission of the vocabulary they hold.
 */
export async function grantablePermissions(page: OrgPage): Promise<PermissionGroup[]> {
  const [vocabulary, own] = await Promise.all([
    vocabularyOf(page),
    page.can('resources:read') ? page.api.get<Listing<ApiPermissions>>('/resources?limit=100') : null,
  ]);
  return permissionGroups(page.permissions, {
    platform: vocabulary?.platform_resources ?? [],
    organization: own?.status === 200 ? own.body.data : [],
  });
}
