import type { EmailDomain, SsoConnection } from '../store/ports.js';
import { verificationRecord } from './domain-names.js';

/** The public (snake_case) form of an organization's identity provider: never its secret. */
export const ssoConnectionToJson = (c: SsoConnection, redirectUri: string) => ({
  object: 'sso_connection' as const, organization: c.organizationId, issuer: c.issuer, client_id: c.clientId, redirect_uri: redirectUri,
  default_role: c.defaultRole, sso_required: c.required, created_by: c.createdBy, created_at: c.createdAt.toISOString(),
  updated_at: c.updatedAt.toISOString(),
});

/** The public form of a domain claim, with the TXT record that proves it. */
export const domainToJson = (d: EmailDomain) => ({
  object: 'domain' as const, id: d.id, organization: d.organizationId, domain: d.domain, status: d.verifiedAt ? 'verified' as const : 'pending' as const,
  verification: { type: 'TXT' as const, ...verificationRecord(d.domain, d.verificationToken) },
  verified_at: d.verifiedAt?.toISOString() ?? null, verified_by: d.verifiedBy, created_by: d.createdBy, created_at: d.createdAt.toISOString(),
});
