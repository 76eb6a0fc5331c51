import type { Caller } from '../audit/actor.js';
import type { AuditLog } from '../audit/audit-log.js';
import { problems } from '../http/problem.js';
import { assertMayDecideSignIn } from '../identity/authority.js';
import type { PermissionService } from '../identity/permissions.js';
import type { Organization, Store } from '../store/ports.js';

/**
 * An organization's requirement of a second factor (`mfa_required`). Its members sign in with one
 * (those without enrol at their next sign-in), whatever app or page they sign in through. It is
 * how every member signs in, so changing it (either way) takes a live credential holding every
 * permission any enabled member holds (SPEC §2a: nobody weakens, or decides for, someone
 * stronger than themselves), besides the route's `organizations:write`.
 */
export class MfaRequirement {
  constructor(private readonly deps: { store: Store; permissions: PermissionService; audit: AuditLog }) {}

  /** Whether any of these organizations requires a second factor. */
  async requiredByAny(organizationIds: readonly string[]): Promise<boolean> {
    for (const id of organizationIds) if ((await this.deps.store.organizations.findById(id))?.mfaRequired) return true;
    return false;
  }

  /**
   * Refuses a caller who may not change the requirement, writing nothing (so a request that also
   * renames the organization can be checked whole before either write).
   * @throws HttpProblem 400, 403 `permission_escalation` / `environment_escalation`, 404
   */
  async assertMayChange(caller: Caller, organizationId: string, required: unknown): Promise<Organization> {
    if (typeof required !== 'boolean') throw problems.validation([{ field: 'mfa_required', message: 'must be true or false' }]);
    return assertMayDecideSignIn(caller, organizationId, this.deps);
  }

  /** @throws HttpProblem 400, 403 `permission_escalation` / `environment_escalation`, 404 */
  async set(caller: Caller, organizationId: string, required: unknown): Promise<Organization> {
    const current = await this.assertMayChange(caller, organizationId, required);
    const updated = await this.deps.store.organizations.update(organizationId, { mfaRequired: required as boolean });
    if (!updated) throw problems.notFound('organization');
    if (current.mfaRequired !== required) {
      await this.deps.audit.record({
        organizationId, action: 'organization.mfa_requirement_changed', caller, target: { type: 'organization', id: organizationId },
        metadata: { mfa_required: required },
      });
    }
    return updated;
  }
}
