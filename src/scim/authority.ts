import type { Caller } from '../audit/actor.js';
import { assertHolds } from '../identity/authority.js';
import type { Identity } from '../identity/index.js';

/**
 * The invariants as SCIM meets them where no identity service already checks (an invited
 * person's record): a caller acts on a person only when it holds every permission of the
 * person's roles (403 `permission_escalation`), and gives only roles whose permissions it holds.
 */
export class ScimAuthority {
  constructor(private readonly identity: Pick<Identity, 'permissions' | 'roles'>) {}

  /** 403 unless the caller holds every permission of `roles` in the organization. */
  async assertControls(caller: Caller, organizationId: string, roles: readonly string[], doing = 'You cannot change a person who holds'): Promise<void> {
    assertHolds(caller, await this.identity.permissions.permissionsOfRoles(organizationId, roles), doing);
  }

  /** The roles checked as an invitation's are: existing (400), and held by the caller (403). @returns them without duplicates */
  async assignable(caller: Caller, organizationId: string, roles: readonly string[]): Promise<string[]> {
    const checked = await this.identity.roles.checkAssignable(organizationId, roles);
    await this.assertControls(caller, organizationId, checked, 'You cannot give someone roles that hold');
    return checked;
  }
}
