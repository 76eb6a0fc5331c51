import type { Caller } from '../audit/actor.js';
import type { AuditLog } from '../audit/audit-log.js';
import { newId } from '../domain/ids.js';
import { HttpProblem } from '../http/problem.js';
import type { Members } from '../identity/members.js';
import { emailProblem, normalizeEmail } from '../identity/validation.js';
import { UniqueViolation, type SsoConnection, type Store, type User } from '../store/ports.js';
import { domainOfEmail } from './domain-names.js';
import type { UpstreamIdentity } from './relying-party.js';

/** Why a provider's word does not sign anyone in. */
export type FederatedRefusal = 'email_missing' | 'email_unverified' | 'domain_not_verified' | 'account_disabled' | 'role_unavailable';

export type FederatedSignInOutcome =
  /** `created`: a new account; `joined`: a new member of the organization; `reclaimed`: an unverified account's credentials were cleared */
  | { ok: true; user: User; created: boolean; joined: boolean; reclaimed: boolean }
  | { ok: false; reason: FederatedRefusal };

/**
 * Who a provider's ID token signs in (SPEC §10). The provider is believed only about addresses at
 * the domains its organization verified, and only when it says it verified the address itself
 * (`email_verified: true`): an organization owns the accounts of its verified domains, as whoever
 * receives their mail could reset their passwords anyway. So:
 * - no account with the address: one is made (no password, email verified), a member with the
 *   connection's default role;
 * - an account with it: signed in; it joins the organization (the default role) when it is not a
 *   member; a disabled member stays disabled, a disabled account stays out;
 * - an account with it whose address was never verified: someone signed it up without receiving
 *   its mail (pre-registration takeover). It is reclaimed: its password, second factors, recovery
 *   codes, pending links and sessions are cleared before it is verified and signed in, so
 *   whoever made it keeps nothing.
 * Each sign-in and each refusal is audited in the connection's organization.
 */
export class FederatedAccounts {
  constructor(private readonly deps: {
    store: Pick<Store, 'users' | 'memberships' | 'emailDomains' | 'factors' | 'recoveryCodes' | 'oidc' | 'accountTokens'>;
    members: Pick<Members, 'add'>; audit: AuditLog; now?: () => Date;
  }) {}

  private now(): Date {
    return (this.deps.now ?? (() => new Date()))();
  }

  async signIn(connection: SsoConnection, upstream: UpstreamIdentity, ip: string | null): Promise<FederatedSignInOutcome> {
    const organizationId = connection.organizationId;
    const email = upstream.email ? normalizeEmail(upstream.email) : '';
    const refuse = async (reason: FederatedRefusal): Promise<FederatedSignInOutcome> => {
      await this.deps.audit.record({
        organizationId, action: 'sso.sign_in_refused', caller: null, ip, target: null,
        metadata: { reason, email: email || null, issuer: upstream.issuer, subject: upstream.subject },
      });
      return { ok: false, reason };
    };
    if (!email || emailProblem(email)) return refuse('email_missing');
    if (!upstream.emailVerified) return refuse('email_unverified');
    const claim = await this.deps.store.emailDomains.findVerified(domainOfEmail(email) ?? '');
    if (claim?.organizationId !== organizationId) return refuse('domain_not_verified');

    const found = await this.account(email, upstream.name);
    if (found.user.disabled) return refuse('account_disabled');
    const reclaimed = !found.user.emailVerified && (await this.reclaim(found.user));
    const user = reclaimed ? { ...found.user, passwordHash: '', emailVerified: true } : found.user;
    let joined = false;
    if (!(await this.deps.store.memberships.find(organizationId, user.id))) {
      try {
        await this.deps.members.add(organizationId, user.id, [connection.defaultRole], { singleSignOn: true });
        joined = true;
      } catch (err) {
        // a concurrent first sign-in made the membership: the person is a member all the same
        if (!(err instanceof HttpProblem && err.code === 'already_member')) {
          if (err instanceof HttpProblem && err.status === 400) return refuse('role_unavailable');
          throw err;
        }
      }
    }
    const caller: Caller = { principal: { type: 'user', subject: user.id, organization: organizationId, environment: null, permissions: [] }, ip };
    await this.deps.audit.record({
      organizationId, action: 'sso.signed_in', caller, target: { type: 'user', id: user.id },
      metadata: { email, issuer: upstream.issuer, subject: upstream.subject, created: found.created, joined, reclaimed },
    });
    return { ok: true, user, created: found.created, joined, reclaimed };
  }

  /** The account of the address, made (without a password) when there is none. */
  private async account(email: string, name: string | null): Promise<{ user: User; created: boolean }> {
    const existing = await this.deps.store.users.findByEmail(email);
    if (existing) return { user: existing, created: false };
    const at = this.now();
    const user: User = { id: newId('usr'), email, name, passwordHash: '', disabled: false, emailVerified: true, createdAt: at, updatedAt: at };
    try {
      await this.deps.store.users.create(user);
      return { user, created: true };
    } catch (err) {
      if (!(err instanceof UniqueViolation)) throw err;
      // a concurrent first sign-in made it
      const made = await this.deps.store.users.findByEmail(email);
      if (!made) throw err;
      return { user: made, created: false };
    }
  }

  /** Clears what an unverified account's maker may know or hold, and verifies its address. */
  private async reclaim(user: User): Promise<boolean> {
    const at = this.now();
    const { store } = this.deps;
    for (const factor of await store.factors.listByUser(user.id)) await store.factors.delete(user.id, factor.id);
    await store.recoveryCodes.deleteAll(user.id);
    for (const kind of ['email_verification', 'password_reset'] as const) await store.accountTokens.revokeAll(user.id, kind, at);
    await store.oidc.revokeByAccountId(user.id);
    await store.users.update(user.id, { passwordHash: '', emailVerified: true, updatedAt: at });
    return true;
  }
}
