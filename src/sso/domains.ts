import { randomBytes } from 'node:crypto';
import { createdByOf, type Caller } from '../audit/actor.js';
import type { AuditLog } from '../audit/audit-log.js';
import { newId } from '../domain/ids.js';
import { HttpProblem, problems } from '../http/problem.js';
import { assertInScope } from '../identity/authority.js';
import { pageRequest } from '../identity/paging.js';
import { UniqueViolation, type DomainVerificationMethod, type EmailDomain, type Page, type PageRequest, type Store } from '../store/ports.js';
import type { MayConfigure } from './connections.js';
import type { DomainDnsCheck } from './dns-check.js';
import { normalizeDomain, verificationRecord } from './domain-names.js';

const TAKEN = () => problems.conflict('domain_taken', 'This domain is verified for another organization.');

/**
 * The email domains organizations claim for single sign-on (SPEC §10). An organization claims a
 * domain and publishes the TXT record it is given; the operator verifies the claim (the record
 * checked in DNS, or their explicit approval when DNS cannot be queried from where Gatehouse
 * runs): no organization verifies its own claims. A domain is verified for one organization at
 * most: another's claim is refused while it is (409 `domain_taken`), and a pending one can never
 * be verified (the store's unique index decides races). Claims and deletions pass
 * {@link MayConfigure}: a verified domain decides how its people sign in.
 */
export class EmailDomains {
  constructor(private readonly deps: {
    store: Pick<Store, 'emailDomains'>; mayConfigure: MayConfigure; dns: Pick<DomainDnsCheck, 'check'>; audit: AuditLog; now?: () => Date;
  }) {}

  private now(): Date {
    return (this.deps.now ?? (() => new Date()))();
  }

  /** @throws HttpProblem 400 (not a domain), 403, 404, 409 `domain_exists` / `domain_taken` */
  async claim(caller: Caller, organizationId: string, input: unknown): Promise<EmailDomain> {
    await this.deps.mayConfigure(caller, organizationId);
    const domain = this.normalize(input);
    if (await this.deps.store.emailDomains.findByDomain(organizationId, domain)) throw EXISTS();
    const verified = await this.deps.store.emailDomains.findVerified(domain);
    if (verified && verified.organizationId !== organizationId) throw TAKEN();
    const claim: EmailDomain = {
      id: newId('dom'), organizationId, domain, verificationToken: randomBytes(24).toString('base64url'),
      verifiedAt: null, verifiedBy: null, createdBy: createdByOf(caller), createdAt: this.now(),
    };
    try {
      await this.deps.store.emailDomains.create(claim);
    } catch (err) {
      if (err instanceof UniqueViolation) throw err.field === 'domain' ? EXISTS() : TAKEN();
      throw err;
    }
    await this.audit(caller, 'domain.claimed', claim, {});
    return claim;
  }

  /** newest first */
  async list(caller: Caller, organizationId: string, page?: Partial<PageRequest>): Promise<Page<EmailDomain>> {
    assertInScope(caller, organizationId);
    return this.deps.store.emailDomains.list(organizationId, pageRequest(page));
  }

  /** @throws HttpProblem 404 */
  async get(caller: Caller, organizationId: string, id: string): Promise<EmailDomain> {
    assertInScope(caller, organizationId);
    const claim = typeof id === 'string' && id ? await this.deps.store.emailDomains.findById(organizationId, id) : null;
    if (!claim) throw problems.notFound('domain');
    return claim;
  }

  /** Withdraws a claim; a verified one stops routing its people to the provider. @throws HttpProblem 403, 404 */
  async delete(caller: Caller, organizationId: string, id: string): Promise<void> {
    await this.deps.mayConfigure(caller, organizationId);
    const claim = await this.get(caller, organizationId, id);
    if (!(await this.deps.store.emailDomains.delete(organizationId, claim.id))) throw problems.notFound('domain');
    await this.audit(caller, 'domain.deleted', claim, { was_verified: claim.verifiedAt !== null });
  }

  /**
   * The operator's verification of an organization's claim of `domain`: `dns` looks for the TXT
   * record, `operator` is their word that they checked by other means. Verifying a verified claim
   * changes nothing. @throws HttpProblem 403 (not the operator), 404, 409 `domain_taken`,
   * 422 `verification_record_missing`, 503 `dns_unavailable`
   */
  async verify(caller: Caller, organizationId: string, domain: string, method: DomainVerificationMethod): Promise<EmailDomain> {
    if (caller.principal !== 'operator') throw problems.forbidden('operator_only', 'Only the operator verifies domains (gatehouse domains verify|approve).');
    const claim = await this.deps.store.emailDomains.findByDomain(organizationId, this.normalize(domain));
    if (!claim) throw problems.notFound('domain claim');
    if (claim.verifiedAt) return claim;
    // verified, and not by this claim: another organization's (refused before any DNS query)
    if (await this.deps.store.emailDomains.findVerified(claim.domain)) throw TAKEN();
    if (method === 'dns') await this.checkDns(claim);
    let verified: EmailDomain | null;
    try {
      verified = await this.deps.store.emailDomains.verify(claim.id, method, this.now());
    } catch (err) {
      if (err instanceof UniqueViolation) throw TAKEN();
      throw err;
    }
    // verified meanwhile by a concurrent call: the same outcome
    verified ??= await this.deps.store.emailDomains.findById(organizationId, claim.id);
    if (!verified) throw problems.notFound('domain claim');
    await this.audit(caller, 'domain.verified', verified, { method });
    return verified;
  }

  private async checkDns(claim: EmailDomain): Promise<void> {
    const record = verificationRecord(claim.domain, claim.verificationToken);
    const found = await this.deps.dns.check(record.name, record.value);
    if (found.ok) return;
    if (found.reason === 'unreachable') {
      throw new HttpProblem(503, 'dns_unavailable', 'DNS unavailable', `${found.detail}. Check the record by other means and approve the claim explicitly (gatehouse domains approve).`);
    }
    throw new HttpProblem(422, 'verification_record_missing', 'Not verified',
      `${found.detail}. Publish a TXT record at ${record.name} with the value ${record.value}, then try again.`);
  }

  private normalize(input: unknown): string {
    const normalized = normalizeDomain(input);
    if ('problem' in normalized) throw problems.validation([{ field: 'domain', message: normalized.problem }]);
    return normalized.domain;
  }

  private audit(caller: Caller, action: string, claim: EmailDomain, metadata: Record<string, unknown>) {
    return this.deps.audit.record({
      organizationId: claim.organizationId, action, caller, target: { type: 'domain', id: claim.id }, metadata: { domain: claim.domain, ...metadata },
    });
  }
}

const EXISTS = () => problems.conflict('domain_exists', 'This organization has claimed this domain already.');
