import type { Caller } from '../audit/actor.js';
import type { Identity } from '../identity/index.js';
import type { Store } from '../store/ports.js';
import type { ScimAuthority } from './authority.js';
import { ScimError } from './protocol/errors.js';
import { rolesOf, type Seat } from './users/seats.js';

const ATTEMPTS = 3;

/** One role given to or taken from one person: what a Group membership change is. */
export interface RoleChange { seat: Seat; role: string; add: boolean }

/**
 * Gives and takes roles as Group memberships change, under the same checks as the management
 * API's `PATCH …/users/{id}`: the caller must hold every permission of the person's roles and of
 * the role it gives. A member's roles change through `identity.members` (compare-and-set, last
 * admin kept); an invited person's are kept on their record until they join.
 */
export class SeatRoles {
  constructor(private readonly deps: { store: Store; identity: Pick<Identity, 'members'>; authority: ScimAuthority }) {}

  /** Every check of each change, before any is made, so a refusal changes nothing. @throws HttpProblem 400, 403 */
  async check(caller: Caller, organizationId: string, changes: readonly RoleChange[]): Promise<void> {
    for (const { seat, role, add } of changes) {
      await this.deps.authority.assertControls(caller, organizationId, rolesOf(seat));
      if (add) await this.deps.authority.assignable(caller, organizationId, [role]);
    }
  }

  /** Makes the changes (each checked again as it is made). @throws HttpProblem 403, 404, 409 `last_admin` */
  async apply(caller: Caller, organizationId: string, changes: readonly RoleChange[]): Promise<void> {
    for (const { seat, role, add } of changes) {
      const next = (current: readonly string[]) => (add ? [...new Set([...current, role])] : current.filter((r) => r !== role));
      if (seat.kind === 'member') {
        await this.deps.identity.members.update(caller, organizationId, seat.membership.userId, { roles: next });
        continue;
      }
      await this.changeInvited(caller, organizationId, seat.record.id, next);
    }
  }

  private async changeInvited(caller: Caller, organizationId: string, id: string, next: (current: readonly string[]) => string[]) {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const record = await this.deps.store.scimUsers.findById(organizationId, id);
      if (!record) throw new ScimError(404, 'No such User.');
      if (record.userId) {
        // joined meanwhile: a member's roles change through the member service
        await this.deps.identity.members.update(caller, organizationId, record.userId, { roles: next });
        return;
      }
      await this.deps.authority.assertControls(caller, organizationId, record.roles);
      const roles = await this.deps.authority.assignable(caller, organizationId, next(record.roles));
      if (await this.deps.store.scimUsers.update(organizationId, id, record.version, { roles, updatedAt: new Date() })) return;
    }
    throw new ScimError(409, 'The User changed meanwhile; try again.');
  }
}
