import type { Caller } from '../audit/actor.js';
import { problems } from '../http/problem.js';
import { assertHolds, assertInScope, assertReachesEnvironment } from '../identity/authority.js';
import type { PermissionService } from '../identity/permissions.js';
import type { Organization, Store } from '../store/ports.js';

/**
 * Who may change an organization's single sign-on: its identity provider, its email domains,
 * whether sign-in through the provider is required, the role people join with. Whoever controls
 * the provider signs in as anyone of the verified domains, admins included, so every change
 * (either way) takes a live credential holding every permission any enabled member holds (SPEC
 * §2a: nobody takes control of, or weakens, someone stronger than themselves), besides the
 * route's `idp:write`. Test credentials never (members serve live traffic).
 */
export class SsoAuthority {
  constructor(private readonly deps: { store: Pick<Store, 'organizations'>; permissions: Pick<PermissionService, 'heldByMembers'> }) {}

  /** @returns the organization. @throws HttpProblem 403 `permission_escalation` / `environment_escalation`, 404 */
  async assertMayConfigure(caller: Caller, organizationId: string): Promise<Organization> {
    assertInScope(caller, organizationId);
    assertReachesEnvironment(caller);
    const org = await this.deps.store.organizations.findById(organizationId);
    if (!org) throw problems.notFound('organization');
    assertHolds(caller, await this.deps.permissions.heldByMembers(organizationId), 'You cannot change how members sign in when they hold');
    return org;
  }
}
