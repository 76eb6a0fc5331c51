import type { Caller } from '../audit/actor.js';
import type { AuditLog } from '../audit/audit-log.js';
import { problems } from '../http/problem.js';
import { assertMayDecideForMembers } from '../identity/authority.js';
import type { PermissionService } from '../identity/permissions.js';
import type { LeakedKeyPolicy, Organization, Store } from '../store/ports.js';

const POLICIES: readonly LeakedKeyPolicy[] = ['revoke', 'notify'];

/**
 * An organization's answer to its leaked keys (`leaked_key_policy`: `revoke`, the default, or
 * `notify`). It decides whether every member's keys survive a leak, so changing it takes a live
 * credential holding every permission any enabled member holds (an admin's), besides the route's
 * `organizations:write`.
 */
export class LeakedKeyPolicySetting {
  constructor(private readonly deps: { store: Pick<Store, 'organizations'>; permissions: Pick<PermissionService, 'heldByMembers'>; audit: AuditLog }) {}

  /** @throws HttpProblem 400, 403 `permission_escalation` / `environment_escalation`, 404; writes nothing */
  async assertMayChange(caller: Caller, organizationId: string, policy: unknown): Promise<Organization> {
    if (!POLICIES.includes(policy as LeakedKeyPolicy)) throw problems.validation([{ field: 'leaked_key_policy', message: 'must be "revoke" or "notify"' }]);
    return assertMayDecideForMembers(caller, organizationId, this.deps, 'You cannot decide what happens to leaked keys of members who hold');
  }

  /** @throws as `assertMayChange` */
  async set(caller: Caller, organizationId: string, policy: unknown): Promise<Organization> {
    const current = await this.assertMayChange(caller, organizationId, policy);
    const updated = await this.deps.store.organizations.update(organizationId, { leakedKeyPolicy: policy as LeakedKeyPolicy });
    if (!updated) throw problems.notFound('organization');
    if (current.leakedKeyPolicy !== policy) {
      await this.deps.audit.record({
        organizationId, action: 'organization.leaked_key_policy_changed', caller, target: { type: 'organization', id: organizationId },
        metadata: { leaked_key_policy: policy, previous: current.leakedKeyPolicy },
      });
    }
    return updated;
  }
}
