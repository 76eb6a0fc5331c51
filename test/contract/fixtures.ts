import { newId } from '../../src/domain/ids.js';
import type {
  AccountToken, ApiKeyRecord, Client, Factor, Invitation, Membership, Organization, OutboxMail, Page, PageRequest, Role, Resource,
  ScimTokenRecord, ScimUser, EmailDomain, SsoConnection, User,
} from '../../src/store/ports.js';

/** Dates with whole milliseconds a little in the past, like the services make them. */
export const at = (msAgo = 0): Date => new Date(Date.now() - msAgo);
const unique = () => newId('t').slice(2);

export function organization(over: Partial<Organization> = {}): Organization {
  const id = newId('org');
  return {
    id, slug: `org-${unique()}`, name: 'Acme', plan: 'free', mfaRequired: false, leakedKeyPolicy: 'revoke', maxKeyLifetimeSeconds: null, keyRotationReminderDays: null,
    createdAt: at(), ...over,
  };
}

export function user(over: Partial<User> = {}): User {
  return {
    id: newId('usr'), email: `u-${unique()}@example.com`, name: 'Ada', passwordHash: '$argon2id$v=19$m=65536,t=3,p=4$x$y',
    disabled: false, emailVerified: true, createdAt: at(), updatedAt: at(), ...over,
  };
}

export function role(organizationId: string, over: Partial<Role> = {}): Role {
  return {
    id: newId('rol'), organizationId, name: `role-${unique()}`, description: 'billing people',
    permissions: ['invoices:read', 'invoices:write'], createdAt: at(), updatedAt: at(), ...over,
  };
}

export function resource(organizationId: string | null, over: Partial<Resource> = {}): Resource {
  return {
    id: newId('res'), organizationId, identifier: `https://api.example.com/${unique()}`, name: 'Invoices',
    permissions: ['invoices:read', 'invoices:write'], createdAt: at(), updatedAt: at(), ...over,
  };
}

export function client(organizationId: string, over: Partial<Client> = {}): Client {
  return {
    clientId: newId('cli'), organizationId, name: 'Dashboard', redirectUris: ['https://app.example.com/cb'],
    postLogoutRedirectUris: ['https://app.example.com/'], grantTypes: ['authorization_code', 'refresh_token'],
    tokenEndpointAuthMethod: 'client_secret_basic', sealedSecret: 'sealed.v1.abc', scope: 'openid offline_access invoices:read',
    permissions: ['invoices:read'], multiOrganization: false, jwks: null, jwksUri: null, previousSealedSecret: null,
    previousSecretExpiresAt: null, requirePushedAuthorizationRequests: false, dpopBoundAccessTokens: false, createdAt: at(), updatedAt: at(), ...over,
  };
}

export function apiKey(organizationId: string | null, over: Partial<ApiKeyRecord> = {}): ApiKeyRecord {
  return {
    id: newId('key'), organizationId, name: 'billing backend', environment: 'live', digest: `digest-${unique()}`,
    start: 'AbC123', permissions: ['invoices:read'], expiresAt: null, ipAllowlist: ['10.0.0.0/8', '2001:db8::/32'],
    rateLimit: { limit: 100, windowSeconds: 60 }, createdBy: 'cli', createdAt: at(), updatedAt: at(), revokedAt: null,
    rotatedTo: null, disabledAt: null, metadata: {}, ...over,
  };
}

export function membership(organizationId: string, over: Partial<Membership> = {}): Membership {
  return { id: newId('mem'), organizationId, userId: newId('usr'), roles: ['member'], disabled: false, createdAt: at(), ...over };
}

export function invitation(organizationId: string, over: Partial<Invitation> = {}): Invitation {
  return {
    id: newId('inv'), organizationId, email: `i-${unique()}@example.com`, roles: ['member'], tokenDigest: `digest-${unique()}`,
    invitedBy: 'cli', createdAt: at(), expiresAt: at(-7 * 86_400_000), acceptedAt: null, acceptedBy: null, revokedAt: null, ...over,
  };
}

export function scimToken(organizationId: string, over: Partial<ScimTokenRecord> = {}): ScimTokenRecord {
  return {
    id: newId('sct'), organizationId, name: 'Okta', digest: `digest-${unique()}`, start: 'XyZ789', permissions: ['users:read', 'users:write'],
    createdBy: 'cli', createdAt: at(), updatedAt: at(), expiresAt: null, revokedAt: null, lastUsedAt: null, ...over,
  };
}

/** An invited person (no user yet); pass `userId` for a member. */
export function scimUser(organizationId: string, over: Partial<ScimUser> = {}): ScimUser {
  return {
    id: newId('scu'), organizationId, userId: null, email: `s-${unique()}@example.com`, externalId: `ext-${unique()}`,
    name: { givenName: 'Grace', familyName: 'Hopper', formatted: 'Grace Hopper' }, displayName: 'Grace', active: true,
    roles: ['member'], invitationId: newId('inv'), version: 1, createdAt: at(), updatedAt: at(), ...over,
  };
}

export function outboxMail(over: Partial<OutboxMail> = {}): OutboxMail {
  return {
    id: newId('mail'), kind: 'invitation', organizationId: newId('org'), sealed: `v1.sealed.${unique()}`, status: 'pending',
    attempts: 0, nextAttemptAt: at(1000), leaseOwner: null, leaseExpiresAt: null, lastError: null, createdAt: at(1000),
    finishedAt: null, dedupeKey: null, ...over,
  };
}

export function accountToken(over: Partial<AccountToken> = {}): AccountToken {
  return {
    id: newId('tok'), kind: 'password_reset', userId: newId('usr'), digest: `digest-${unique()}`, binding: null, createdAt: at(),
    expiresAt: at(-30 * 60_000), usedAt: null, ...over,
  };
}

export function factor(userId: string, over: Partial<Factor> = {}): Factor {
  return {
    id: newId('mfa'), userId, type: 'passkey', name: 'Laptop', sealedSecret: null, credentialId: `cred-${unique()}`,
    publicKey: 'pQECAyYgASFYIA', transports: ['internal', 'hybrid'], counter: 0, confirmedAt: at(), createdAt: at(), lastUsedAt: null, ...over,
  };
}

/** Follows cursors until the end; checks each page's cursor is its last item's id. */
export async function walk<T>(list: (page: PageRequest) => Promise<Page<T>>, limit: number, idOf: (t: T) => string): Promise<T[]> {
  const all: T[] = [];
  let cursor: string | null = null;
  for (let guard = 0; guard < 1000; guard++) {
    const page: Page<T> = await list({ limit, cursor });
    expect(page.items.length).toBeLessThanOrEqual(limit);
    all.push(...page.items);
    if (page.nextCursor === null) return all;
    expect(page.items.length).toBe(limit);
    expect(page.nextCursor).toBe(idOf(page.items[page.items.length - 1]));
    cursor = page.nextCursor;
  }
  throw new Error('paging never ended');
}

/** Ids sorted newest first (ids are time-ordered). */
export const newestFirst = (ids: string[]): string[] => [...ids].sort().reverse();

export function ssoConnection(organizationId: string, over: Partial<SsoConnection> = {}): SsoConnection {
  return {
    organizationId, issuer: 'https://idp.example.com', clientId: `client-${unique()}`, sealedClientSecret: 'v1.iv.body.tag',
    defaultRole: 'member', required: false, createdBy: 'cli', version: 1, createdAt: at(), updatedAt: at(), ...over,
  };
}

/** A pending claim of a fresh domain (pass `verifiedAt` and `verifiedBy` for a verified one). */
export function emailDomain(organizationId: string, over: Partial<EmailDomain> = {}): EmailDomain {
  return {
    id: newId('dom'), organizationId, domain: `d-${unique()}.example.com`, verificationToken: `token-${unique()}`,
    verifiedAt: null, verifiedBy: null, createdBy: 'cli', createdAt: at(), ...over,
  };
}
