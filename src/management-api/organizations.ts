import { z } from 'zod';
import type { MfaRequirement } from '../accounts/mfa-requirement.js';
import { problems } from '../http/problem.js';
import type { Organizations } from '../identity/organizations.js';
import type { LeakedKeyPolicySetting } from '../secret-scanning/policy.js';
import type { Organization } from '../store/ports.js';
import type { OrganizationKeySettings } from '../api-keys/organization-settings.js';
import { parseDuration } from '../domain/durations.js';
import { keySettingsBody, keySettingsObject } from './schemas/organization-key-settings.js';
import type { UsageReports } from '../usage/reports.js';
import { orgRoute, serverRoute, type AnyRoute } from './route-kit.js';
import { displayName, listQuery, pageJson, pageOf, timestamp } from './schemas/common.js';

const organizationObject = z.object({
  object: z.literal('organization'), id: z.string(), slug: z.string(), name: z.string(), plan: z.string(),
  mfa_required: z.boolean().describe('members sign in with a second factor (those without one enrol at their next sign-in)'),
  leaked_key_policy: z.enum(['revoke', 'notify']).describe('what happens to a key secret scanning finds in public: revoked at once, or only reported'),
  ...keySettingsObject.shape,
  created_at: timestamp,
  quota: z.object({
    units: z.union([z.number(), z.literal('unlimited')]), used: z.number(), period_start: timestamp, resets_at: timestamp,
  }).optional().describe("this UTC month's metered units: the plan's quota (`unlimited` when it has none), used so far, and when it resets"),
});

export const organizationToJson = (o: Organization, keySettings: Pick<OrganizationKeySettings, 'toJson'>) => ({
  object: 'organization' as const, id: o.id, slug: o.slug, name: o.name, plan: o.plan, mfa_required: o.mfaRequired, leaked_key_policy: o.leakedKeyPolicy,
  ...keySettings.toJson(o),
  created_at: o.createdAt.toISOString(),
});

/**
 * Creating and listing organizations needs a server-scoped credential; reading and renaming one,
 * membership; its plan, the server scope; requiring a second factor of its members,
 * `organizations:write` (and all an admin holds to stop requiring it: see `MfaRequirement`).
 */
export function organizationRoutes(
  organizations: Organizations, keySettings: OrganizationKeySettings, mfaRequirement?: MfaRequirement, leakedKeyPolicy?: LeakedKeyPolicySetting,
  usage?: Pick<UsageReports, 'quota'>,
): AnyRoute[] {
  // one organization as GET and PATCH answer it: with its quota when metering is served
  const toJson = (org: Organization) => organizationToJson(org, keySettings);
  const withQuota = async (org: Organization) => (usage ? { ...toJson(org), quota: await usage.quota(org) } : toJson(org));
  return [
    serverRoute({
      method: 'post', path: '/organizations', tag: 'Organizations', summary: 'Create an organization (server scope)',
      permission: 'organizations:write', status: 201, response: organizationObject,
      body: z.object({ slug: z.string().max(40), name: displayName.optional(), plan: z.string().max(64).optional() }).strict(),
      handle: async ({ body, audit }) => {
        const org = await organizations.create(body);
        await audit('organization.created', { type: 'organization', id: org.id }, { slug: org.slug, plan: org.plan });
        return toJson(org);
      },
    }),
    serverRoute({
      method: 'get', path: '/organizations', tag: 'Organizations', summary: 'List organizations (server scope)',
      permission: 'organizations:read', query: listQuery, response: pageOf(organizationObject),
      handle: async ({ query }) => pageJson(await organizations.list({ limit: query.limit, cursor: query.cursor ?? null }), toJson),
    }),
    orgRoute({
      method: 'get', path: '/organizations/{org}', tag: 'Organizations', summary: 'Get an organization (by id or slug)',
      permission: 'organizations:read', response: organizationObject,
      handle: async ({ org }) => withQuota(org),
    }),
    orgRoute({
      method: 'patch', path: '/organizations/{org}', tag: 'Organizations',
      summary: 'Rename an organization, require a second factor of its members, set its API-key policy, or change its plan (the plan: server scope only; permissions the new plan withholds leave its roles, keys and clients)',
      permission: 'organizations:write', response: organizationObject, serverScopeFields: ['plan'],
      body: z.object({
        name: displayName.optional(),
        plan: z.string().max(64).optional(),
        mfa_required: z.boolean().optional().describe('true: members sign in with a second factor; false needs all an admin holds'),
        leaked_key_policy: z.enum(['revoke', 'notify']).optional().describe('what happens to a leaked key (default revoke); changing it needs all an admin holds'),
        ...keySettingsBody.shape,
      }).strict(),
      handle: async ({ caller, org, body, audit }) => {
        const { mfa_required: mfaRequired, leaked_key_policy: leakPolicy, max_key_lifetime: lifetime, key_rotation_reminder_days: reminderDays, ...rest } = body;
        if (mfaRequired !== undefined && !mfaRequirement) throw problems.validation([{ field: 'mfa_required', message: 'is not supported by this server' }]);
        if (leakPolicy !== undefined && !leakedKeyPolicy) throw problems.validation([{ field: 'leaked_key_policy', message: 'is not supported by this server' }]);
        // every part is checked before any is written
        if (mfaRequired !== undefined) await mfaRequirement!.assertMayChange(caller, org.id, mfaRequired);
        if (leakPolicy !== undefined) await leakedKeyPolicy!.assertMayChange(caller, org.id, leakPolicy);
        const keyPolicy = lifetime === undefined && reminderDays === undefined ? null : keySettings.check(caller, org.id, {
          maxKeyLifetimeSeconds: lifetime === undefined || lifetime === null ? lifetime : parseDuration(lifetime), keyRotationReminderDays: reminderDays,
        });
        let updated = org;
        if (rest.name !== undefined || rest.plan !== undefined) {
          updated = await organizations.update(caller, org.id, rest);
          await audit('organization.updated', { type: 'organization', id: org.id }, {
            ...(rest.name !== undefined ? { name: updated.name } : {}),
            ...(rest.plan !== undefined ? { plan: updated.plan, previous_plan: org.plan } : {}),
          });
        }
        if (keyPolicy) {
          updated = await keySettings.save(org.id, keyPolicy);
          await audit('organization.updated', { type: 'organization', id: org.id }, keySettings.toJson(updated));
        }
        if (mfaRequired !== undefined) updated = await mfaRequirement!.set(caller, org.id, mfaRequired);
        if (leakPolicy !== undefined) updated = await leakedKeyPolicy!.set(caller, org.id, leakPolicy);
        return withQuota(updated);
      },
    }),
  ];
}
