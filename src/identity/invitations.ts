import { createHash, randomBytes } from 'node:crypto';
import type { Caller } from '../audit/actor.js';
import { createdByOf } from '../audit/actor.js';
import type { Config } from '../config/schema.js';
import { newId } from '../domain/ids.js';
import type { Events } from '../events/emitter.js';
import { HttpProblem, problems } from '../http/problem.js';
import type { Mailer } from '../mail/mailer.js';
import { invitationMail } from '../mail/templates/invitation.js';
import type { Invitation, Organization, Page, PageRequest, Store } from '../store/ports.js';
import { assertHolds, assertInScope, assertReachesEnvironment } from './authority.js';
import type { Members } from './members.js';
import { pageRequest } from './paging.js';
import { passwordProblem } from './passwords.js';
import type { PermissionService } from './permissions.js';
import type { Roles } from './roles.js';
import type { Users } from './users.js';
import { emailProblem, normalizeEmail } from './validation.js';

/** SPEC §7: an invitation link works once, for 7 days. */
export const INVITATION_TTL_MS = 7 * 86_400_000;
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

export type InvitationStatus = 'pending' | 'accepted' | 'revoked' | 'expired';

/** A pending invitation named by a link, with the organization it leads to. */
export interface OpenInvitation {
  invitation: Invitation;
  organization: Organization;
}

export type AcceptOutcome =
  | { ok: true; organization: Organization; userId: string }
  | { ok: false; reason: 'invalid_link' | 'wrong_password' | 'account_exists' | 'already_member' }
  | { ok: false; reason: 'bad_password'; message: string };

/** An invitation just accepted: the person is a member now. */
export interface Acceptance {
  organizationId: string;
  userId: string;
  invitation: Invitation;
}

/**
 * Invitations (SPEC §2a, §4, §7): people are invited, never attached. `create` mails a
 * single-use link (its token stored only as a SHA-256 digest); the person accepts on the
 * invitation page by signing in to the invited email's account or, if there is none, by choosing
 * their own password, and joins with the invited roles. The API's answers never depend on
 * whether the email has an account anywhere; nobody sets a password for someone else.
 */
export interface Invitations {
  /**
   * Invites `email` with `roles` (default `member`), which the caller must hold all of.
   * @throws HttpProblem 400, 403 `permission_escalation`, 404, 409 `already_member`, 429
   */
  create(caller: Caller, organizationId: string, input: { email: string; roles?: string[] }): Promise<Invitation>;
  /** @throws HttpProblem 404 */
  get(organizationId: string, id: string): Promise<Invitation>;
  /** newest first */
  list(organizationId: string, page?: Partial<PageRequest>): Promise<Page<Invitation>>;
  /** The link stops working. @throws HttpProblem 403, 404, 409 `invitation_accepted` */
  revoke(caller: Caller, organizationId: string, id: string): Promise<void>;
  status(invitation: Invitation): InvitationStatus;
  /** The pending invitation of a link's token; null when unknown, used, revoked or expired. */
  open(token: unknown): Promise<OpenInvitation | null>;
  /** Accepts as the existing account of the invited email, proven by its password. */
  acceptSignedIn(token: unknown, password: string): Promise<AcceptOutcome>;
  /** Accepts by creating the invited email's account with the password the person chose. */
  acceptNewAccount(token: unknown, password: string): Promise<AcceptOutcome>;
  /**
   * Adds a listener awaited after each acceptance, once the person is a member (e.g. SCIM giving
   * them the roles their identity provider assigned while they were invited).
   */
  onAccepted(listener: (acceptance: Acceptance) => Promise<void>): void;
}

export interface InvitationDeps {
  store: Store;
  config: Pick<Config, 'issuer' | 'invitations'>;
  permissions: PermissionService;
  roles: Roles;
  users: Users;
  members: Members;
  mailer: Mailer;
  /** `member.invited`, stored with the invitation */
  events: Events;
  now?: () => Date;
}

const digestOf = (token: string) => createHash('sha256').update(token).digest('base64url');

/** The invitation service `identity.invitations`. */
export function createInvitations(deps: InvitationDeps): Invitations {
  const { store, config } = deps;
  const now = deps.now ?? (() => new Date());
  const acceptedListeners: Array<(acceptance: Acceptance) => Promise<void>> = [];

  const status = (i: Invitation): InvitationStatus =>
    i.acceptedAt ? 'accepted' : i.revokedAt ? 'revoked' : i.expiresAt <= now() ? 'expired' : 'pending';

  const get = async (organizationId: string, id: string) => {
    const invitation = typeof id === 'string' ? await store.invitations.findById(organizationId, id) : null;
    if (!invitation) throw problems.notFound('invitation');
    return invitation;
  };

  const throttle = async (organizationId: string) => {
    const { limit, windowSeconds } = config.invitations.perOrganization;
    const taken = await store.rateLimits.take({ bucket: `invitations:${organizationId}`, windowMs: windowSeconds * 1000, limit, cost: 1, now: Date.now() });
    if (!taken.allowed) throw problems.tooManyRequests(Math.max(1, Math.ceil((taken.resetAt - Date.now()) / 1000)));
  };

  const open = async (token: unknown): Promise<OpenInvitation | null> => {
    if (typeof token !== 'string' || !TOKEN.test(token)) return null;
    const invitation = await store.invitations.findByTokenDigest(digestOf(token));
    if (!invitation || status(invitation) !== 'pending') return null;
    const organization = await store.organizations.findById(invitation.organizationId);
    return organization ? { invitation, organization } : null;
  };

  /** claims the link (exactly once), then the membership */
  const join = async ({ invitation, organization }: OpenInvitation, userId: string): Promise<AcceptOutcome> => {
    if (!(await store.invitations.accept(invitation.id, userId, now()))) return { ok: false, reason: 'invalid_link' };
    try {
      // `member.joined`, by the person, stored with the membership
      await deps.members.add(organization.id, userId, invitation.roles, { invitationId: invitation.id });
    } catch (err) {
      if (err instanceof HttpProblem && err.code === 'already_member') return { ok: false, reason: 'already_member' };
      throw err;
    }
    for (const listener of acceptedListeners) await listener({ organizationId: organization.id, userId, invitation });
    return { ok: true, organization, userId };
  };

  return {
    async create(caller, organizationId, input) {
      assertInScope(caller, organizationId);
      assertReachesEnvironment(caller);
      const email = typeof input.email === 'string' ? normalizeEmail(input.email) : input.email;
      const problem = emailProblem(email);
      if (problem) throw problems.validation([{ field: 'email', message: problem }]);
      const organization = await store.organizations.findById(organizationId);
      if (!organization) throw problems.notFound('organization');
      const roles = await deps.roles.checkAssignable(organizationId, input.roles ?? ['member']);
      assertHolds(caller, await deps.permissions.permissionsOfRoles(organizationId, roles), 'You cannot invite someone with roles that hold');
      // the organization knows its own members; whether the email has an account elsewhere stays unsaid
      const existing = await store.users.findByEmail(email);
      if (existing && (await store.memberships.find(organizationId, existing.id)))
        throw problems.conflict('already_member', 'This email belongs to a member of the organization already.');
      await throttle(organizationId);

      const token = randomBytes(32).toString('base64url');
      const createdAt = now();
      const invitation: Invitation = {
        id: newId('inv'), organizationId, email, roles, tokenDigest: digestOf(token), invitedBy: createdByOf(caller),
        createdAt, expiresAt: new Date(createdAt.getTime() + INVITATION_TTL_MS), acceptedAt: null, acceptedBy: null, revokedAt: null,
      };
      const invited = deps.events.record('member.invited', {
        organizationId, caller, target: { type: 'invitation', id: invitation.id }, at: createdAt,
        data: { invitation_id: invitation.id, email, roles }, metadata: { roles },
      });
      await store.invitations.create(invitation, [invited]);
      const link = `${config.issuer}/invitation?token=${token}`;
      try {
        await deps.mailer.send({
          to: email, kind: 'invitation', organization: { id: organization.id, name: organization.name },
          content: invitationMail({ organizationName: organization.name, link, expiresAt: invitation.expiresAt, host: new URL(config.issuer).host }),
        });
      } catch (err) {
        // no mail, no invitation: a link nobody can receive must not stay valid
        await store.invitations.revoke(invitation.id, now());
        throw err;
      }
      return invitation;
    },

    get,
    list: (organizationId, page) => store.invitations.list(organizationId, pageRequest(page)),

    async revoke(caller, organizationId, id) {
      assertInScope(caller, organizationId);
      assertReachesEnvironment(caller);
      const invitation = await get(organizationId, id);
      assertHolds(caller, await deps.permissions.permissionsOfRoles(organizationId, invitation.roles), 'You cannot revoke an invitation with roles that hold');
      if (await store.invitations.revoke(invitation.id, now())) return;
      const latest = await get(organizationId, id);
      if (latest.acceptedAt) throw problems.conflict('invitation_accepted', 'This invitation was accepted; remove the member instead.');
    },

    status,
    open,

    async acceptSignedIn(token, password) {
      const link = await open(token);
      if (!link) return { ok: false, reason: 'invalid_link' };
      const user = await deps.users.verifyPassword(link.invitation.email, password);
      if (!user) return { ok: false, reason: 'wrong_password' };
      return join(link, user.id);
    },

    async acceptNewAccount(token, password) {
      const link = await open(token);
      if (!link) return { ok: false, reason: 'invalid_link' };
      const problem = passwordProblem(password);
      if (problem) return { ok: false, reason: 'bad_password', message: `The password ${problem}.` };
      let userId: string;
      try {
        userId = (await deps.users.create({ email: link.invitation.email, password })).user.id;
      } catch (err) {
        if (err instanceof HttpProblem && err.code === 'user_exists') return { ok: false, reason: 'account_exists' };
        throw err;
      }
      return join(link, userId);
    },

    onAccepted(listener) {
      acceptedListeners.push(listener);
    },
  };
}
