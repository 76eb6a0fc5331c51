import { emailProblem, normalizeEmail } from '../identity/validation.js';
import type { SsoConnection, Store } from '../store/ports.js';
import { domainOfEmail } from './domain-names.js';

/** Where an email signs in: the identity provider of the organization its domain is verified for. */
export interface SsoRoute {
  connection: SsoConnection;
  /** the verified domain the email is at */
  domain: string;
}

/**
 * Which emails sign in through an identity provider: those at a domain verified for an
 * organization that has one connected. Read from the store at every call (a domain verified or a
 * connection removed applies to the next sign-in). Answers by domain, never by account, so what
 * the login page does with an email says nothing about whether it has an account.
 */
export class SsoRouting {
  constructor(private readonly store: Pick<Store, 'ssoConnections' | 'emailDomains'>) {}

  /** Whether the login page asks for the email first (some organization connected a provider). */
  emailFirst(): Promise<boolean> {
    return this.store.ssoConnections.any();
  }

  /** The provider `email` signs in through, or null. */
  async route(email: unknown): Promise<SsoRoute | null> {
    const normalized = typeof email === 'string' ? normalizeEmail(email) : '';
    const domain = emailProblem(normalized) ? null : domainOfEmail(normalized);
    const claim = domain ? await this.store.emailDomains.findVerified(domain) : null;
    const connection = claim ? await this.store.ssoConnections.find(claim.organizationId) : null;
    return connection && claim ? { connection, domain: claim.domain } : null;
  }

  /** The provider `email` must sign in through (its organization requires it), or null. */
  async requiredFor(email: unknown): Promise<SsoRoute | null> {
    const route = await this.route(email);
    return route?.connection.required ? route : null;
  }
}
