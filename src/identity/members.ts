import { OPERATOR, type Caller } from '../audit/actor.js';
import { newId } from '../domain/ids.js';
import type { Events } from '../events/emitter.js';
import { problems } from '../http/problem.js';
import { UniqueViolation, type Membership, type Page, type PageRequest, type Store } from '../store/ports.js';
import { assertHolds, loadControlled } from './authority.js';
import { pageRequest } from './paging.js';
import type { PermissionService } from './permissions.js';
import type { Roles } from './roles.js';
import { publicUser, type PublicUser } from './users.js';

/** A membership with the member's public profile, for listings. */
export type Member = Membership & { user: PublicUser | null };

/** A change of a member: new roles (or a function of the current ones), enabled or disabled. */
export interface MemberPatch {
  roles?: string[] | ((current: readonly string[]) => string[]);
  disabled?: boolean;
}

/** Someone left an organization or was disabled in it: what they hold there must end. */
export interface Departure {
  caller: Caller;
  organizationId: string;
  userId: string;
  reason: 'removed' | 'disabled';
}

/**
 * The members of an organization. People join through an accepted invitation (or the operator's
 * CLI); changing, disabling or removing a member needs the caller to hold every permission the
 * member holds (403 `permission_escalation`), and never leaves the organization without an
 * enabled admin (409 `last_admin`). A member who is disabled or removed loses at once what they
 * authorized apps to do for the organization (their app connections, and every grant, code and
 * refresh token made under them), and the `onDeparture` listeners revoke what else they own.
 * Joining and removal are events (`member.joined`, `member.removed`: webhooks and the audit log),
 * stored with the membership change.
 */
export interface Members {
  /** @throws HttpProblem 404 `member` */
  get(organizationId: string, userId: string): Promise<Member>;
  /** newest membership first */
  list(organizationId: string, page?: Partial<PageRequest>): Promise<Page<Member>>;
  /**
   * Joins a user to the organization: an invitation's acceptance or a first sign-in through the
   * organization's identity provider (`via` names which, and the person is the caller), or the
   * operator (no `via`). @throws HttpProblem 400 roles, 404, 409 `already_member`
   */
  add(organizationId: string, userId: string, roles: unknown, via?: { invitationId: string } | { singleSignOn: true }): Promise<Membership>;
  /**
   * `roles` may be a function of the member's current roles (e.g. adding one role): it is applied
   * to the roles as read, and again should they change before the write (compare-and-set).
   * @throws HttpProblem 400, 403, 404, 409 `last_admin`
   */
  update(caller: Caller, organizationId: string, userId: string, patch: MemberPatch): Promise<Member>;
  /** @throws HttpProblem 403, 404, 409 `last_admin` */
  remove(caller: Caller, organizationId: string, userId: string): Promise<void>;
  /** Adds a listener awaited after a member is disabled or removed (e.g. revoking their API keys). */
  onDeparture(listener: (departure: Departure) => Promise<void>): void;
}

const LAST_ADMIN = () => problems.conflict('last_admin',
  'An organization must keep an enabled admin: make someone else an admin first.');
/** a concurrent change of the same member's roles: re-read and re-check this many times */
const ATTEMPTS = 3;

/** The member service `identity.members`. */
export function createMembers(store: Store, permissions: PermissionService, roles: Roles, events: Events): Members {
  const listeners: Array<(departure: Departure) => Promise<void>> = [];

  const get = async (organizationId: string, userId: string): Promise<Member> => {
    const membership = typeof userId === 'string' ? await store.memberships.find(organizationId, userId) : null;
    const user = membership && (await store.users.findById(userId));
    if (!membership || !user) throw problems.notFound('member');
    return { ...membership, user: publicUser(user) };
  };

  /** the member's current roles, once the caller is allowed to act on them */
  const controlled = (caller: Caller, organizationId: string, userId: string, doing: string): Promise<Membership> =>
    loadControlled(caller, organizationId, async () => {
      const membership = typeof userId === 'string' ? await store.memberships.find(organizationId, userId) : null;
      if (!membership) throw problems.notFound('member');
      return membership;
    }, (membership) => permissions.permissionsOfRoles(organizationId, membership.roles), doing);

  const depart = async (departure: Departure) => {
    // every app acting for this organization (its own, or another's multi-organization app) serves
    // a grant only while the connection it was made under exists: these go, and with them every
    // grant, code and refresh token of the person's for this organization; other organizations' stay
    await store.appConnections.deleteByUser(departure.organizationId, departure.userId);
    for (const listener of listeners) await listener(departure);
  };

  return {
    get,
    async list(organizationId, page) {
      const memberships = await store.memberships.listByOrganization(organizationId, pageRequest(page));
      const items = await Promise.all(memberships.items.map(async (m) => {
        const user = await store.users.findById(m.userId);
        return { ...m, user: user ? publicUser(user) : null };
      }));
      return { items, nextCursor: memberships.nextCursor };
    },

    async add(organizationId, userId, names, via) {
      if (!(await store.organizations.findById(organizationId))) throw problems.notFound('organization');
      const user = await store.users.findById(userId);
      if (!user) throw problems.notFound('user');
      const checked = await roles.checkAssignable(organizationId, names);
      const membership: Membership = { id: newId('mem'), organizationId, userId, roles: checked, disabled: false, createdAt: new Date() };
      const caller: Caller = via
        ? { principal: { type: 'user', subject: userId, organization: organizationId, environment: null, permissions: [] } }
        : OPERATOR;
      const joined = events.record('member.joined', {
        organizationId, caller, target: { type: 'user', id: userId }, at: membership.createdAt,
        data: { user_id: userId, email: user.email, roles: checked },
        metadata: { roles: checked, ...(via && 'invitationId' in via ? { invitation_id: via.invitationId } : via ? { via: 'sso' } : {}) },
      });
      try {
        await store.memberships.create(membership, [joined]);
      } catch (err) {
        if (err instanceof UniqueViolation) throw problems.conflict('already_member', 'The user is already a member of this organization.');
        throw err;
      }
      return membership;
    },

    async update(caller, organizationId, userId, patch) {
      if (patch.disabled !== undefined && typeof patch.disabled !== 'boolean')
        throw problems.validation([{ field: 'disabled', message: 'must be true or false' }]);
      for (let attempt = 1; ; attempt++) {
        const current = await controlled(caller, organizationId, userId, 'You cannot change a member who holds');
        let next: string[] | undefined;
        if (patch.roles !== undefined) {
          next = await roles.checkAssignable(organizationId, typeof patch.roles === 'function' ? patch.roles(current.roles) : patch.roles);
          assertHolds(caller, await permissions.permissionsOfRoles(organizationId, next), 'You cannot give a member roles that hold');
        }
        const change = await store.memberships.update(organizationId, userId, { roles: next, disabled: patch.disabled }, current.roles);
        if (change.outcome === 'changed' && attempt < ATTEMPTS) continue;
        if (change.outcome === 'changed') throw problems.conflict('concurrent_change', 'The member changed meanwhile; try again.');
        if (change.outcome === 'not_found') throw problems.notFound('member');
        if (change.outcome === 'last_admin') throw LAST_ADMIN();
        if (patch.disabled === true && !current.disabled) await depart({ caller, organizationId, userId, reason: 'disabled' });
        return get(organizationId, userId);
      }
    },

    async remove(caller, organizationId, userId) {
      for (let attempt = 1; ; attempt++) {
        const current = await controlled(caller, organizationId, userId, 'You cannot remove a member who holds');
        const user = await store.users.findById(userId);
        const removed = events.record('member.removed', {
          organizationId, caller, target: { type: 'user', id: userId },
          data: { user_id: userId, email: user?.email ?? null }, metadata: { roles: current.roles },
        });
        const outcome = await store.memberships.delete(organizationId, userId, current.roles, [removed]);
        if (outcome === 'changed' && attempt < ATTEMPTS) continue;
        if (outcome === 'changed') throw problems.conflict('concurrent_change', 'The member changed meanwhile; try again.');
        if (outcome === 'not_found') throw problems.notFound('member');
        if (outcome === 'last_admin') throw LAST_ADMIN();
        await depart({ caller, organizationId, userId, reason: 'removed' });
        return;
      }
    },

    onDeparture(listener) {
      listeners.push(listener);
    },
  };
}
