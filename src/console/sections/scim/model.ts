import type { OrgPage } from '../section.js';

/** A SCIM token as `GET …/scim-tokens` answers (README "SCIM provisioning"). */
export interface ScimTokenJson {
  id: string;
  name: string;
  start: string;
  permissions: string[];
  status: 'active' | 'revoked' | 'expired';
  expires_at: string | null;
  created_at: string;
  last_used_at: string | null;
  /** only in the answer that creates it */
  token?: string;
  scim_base_url?: string;
}

export const READ = 'idp:read';
export const WRITE = 'idp:write';
export const PATH = '/scim';

/** Where identity providers send SCIM requests (Okta's "SCIM connector base URL", Entra ID's "Tenant URL"). */
export const scimBaseUrl = (page: OrgPage) => `${page.issuer}/scim/v2`;

/** How a token is recognised without its secret. */
export const recognisable = (t: Pick<ScimTokenJson, 'start'>) => `scim_${t.start}…`;

/** Lifetimes offered at creation (the API takes any duration). */
export const LIFETIMES: Array<[string, string]> = [['', 'Never'], ['30d', '30 days'], ['90d', '90 days'], ['365d', '1 year']];

/**
 * What a token provisioning ordinary members needs (README "The token"): to read and write
 * people, to read roles, and every permission of the `member` role (every `:read` one) to give
 * it; offered ticked, as far as the person holds them.
 */
export function suggestedPermissions(page: OrgPage): string[] {
  return page.permissions.filter((p) => p.endsWith(':read') || p === 'users:write');
}
