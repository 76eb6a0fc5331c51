import { createdByOf, type Caller, type ScimPrincipal } from '../../audit/actor.js';
import type { AuditLog } from '../../audit/audit-log.js';
import { keysOwnedBy } from '../../api-keys/ownership.js';
import { keyStatus, type ApiKeyStatus } from '../../domain/api-keys/status.js';
import { DURATION_FORM, isBoundedSeconds } from '../../domain/durations.js';
import { newId } from '../../domain/ids.js';
import type { Secrets } from '../../domain/secrets.js';
import { problems } from '../../http/problem.js';
import { assertGrantableIn, assertHolds, assertInScope, assertReachesEnvironment } from '../../identity/authority.js';
import { collectAll, pageRequest } from '../../identity/paging.js';
import type { PermissionRemoval } from '../../identity/permission-removal.js';
import type { PermissionService } from '../../identity/permissions.js';
import { Checks, displayNameProblem } from '../../identity/validation.js';
import type { Page, PageRequest, ScimTokenRecord, Store } from '../../store/ports.js';
import { generateScimToken, scimTokenDigests } from './format.js';

export interface CreateScimTokenInput {
  name: string;
  permissions: string[];
  expiresInSeconds?: number | null;
}

/** A token as just created: the record and its plaintext, never shown again. */
export interface IssuedScimToken { record: ScimTokenRecord; token: string }

/**
 * SCIM tokens (`scim_…`): what an organization's identity provider authenticates to `/scim/v2`
 * with, and with nothing else. A token acts with the permissions it was given at creation, each
 * of which its creator had to hold (403 `permission_escalation`) and the organization's
 * vocabulary to know (400): so whatever the identity provider asks, it can never make or change
 * a membership stronger than the person who connected it. Revoking one needs every permission it
 * holds. Test credentials may neither create nor revoke one (members serve live traffic).
 * A token created by someone who leaves the organization or is disabled in it is revoked with
 * their API keys, as are tokens created by those keys.
 */
export interface ScimTokens {
  /** @throws HttpProblem 400, 403, 404 */
  create(caller: Caller, organizationId: string, input: CreateScimTokenInput): Promise<IssuedScimToken>;
  /** newest first */
  list(caller: Caller, organizationId: string, page?: Partial<PageRequest>): Promise<Page<ScimTokenRecord>>;
  /** @throws HttpProblem 404 */
  get(caller: Caller, organizationId: string, id: string): Promise<ScimTokenRecord>;
  /** Stops the token at once; revoking a revoked one changes nothing. @throws HttpProblem 403, 404 */
  revoke(caller: Caller, organizationId: string, id: string): Promise<void>;
  status(record: ScimTokenRecord): ApiKeyStatus;
  /** The caller a presented token stands for, or null (malformed, forged: without a store read; unknown, revoked, expired). */
  authenticate(presented: unknown, ip: string | null): Promise<Caller | null>;
  /** Revokes the tokens `userId` created in the organization, directly or through their API keys; how many. */
  revokeCreatedBy(caller: Caller, organizationId: string, userId: string, reason: string): Promise<number>;
}

export interface ScimTokenDeps {
  store: Pick<Store, 'scimTokens' | 'apiKeys' | 'organizations'>;
  secrets: Secrets;
  permissions: Pick<PermissionService, 'outsideVocabulary'>;
  removal?: Pick<PermissionRemoval, 'afterGranting'>;
  audit: AuditLog;
  now?: () => Date;
}

/** Last use is written at most this often per token (one write per minute, not per request). */
const TOUCH_INTERVAL_MS = 60_000;

/** The SCIM-token service. */
export function createScimTokens(deps: ScimTokenDeps): ScimTokens {
  const { store } = deps;
  const now = deps.now ?? (() => new Date());

  const get = async (caller: Caller, organizationId: string, id: string) => {
    assertInScope(caller, organizationId);
    const record = typeof id === 'string' && id ? await store.scimTokens.findById(organizationId, id) : null;
    if (!record) throw problems.notFound('SCIM token');
    return record;
  };

  const revoked = async (caller: Caller, record: ScimTokenRecord, metadata: Record<string, unknown>) => {
    if (!(await store.scimTokens.revoke(record.id, now()))) return false;
    await deps.audit.record({ organizationId: record.organizationId, action: 'scim_token.revoked', caller, target: { type: 'scim_token', id: record.id }, metadata });
    return true;
  };

  return {
    async create(caller, organizationId, input) {
      assertInScope(caller, organizationId);
      assertReachesEnvironment(caller);
      new Checks().add('name', displayNameProblem(input.name))
        .add('expires_in', input.expiresInSeconds == null || isBoundedSeconds(input.expiresInSeconds) ? null : `must be ${DURATION_FORM}`)
        .add('permissions', Array.isArray(input.permissions) && input.permissions.length === 0 ? 'must list at least one permission' : null)
        .done();
      if (!(await store.organizations.findById(organizationId))) throw problems.notFound('organization');
      await assertGrantableIn(caller, deps.permissions, organizationId, input.permissions, 'You cannot give a SCIM token');
      const at = now();
      const { token, start, digest } = generateScimToken(deps.secrets);
      let record: ScimTokenRecord = {
        id: newId('sct'), organizationId, name: input.name.trim(), digest, start, permissions: [...new Set(input.permissions)],
        createdBy: createdByOf(caller), createdAt: at, updatedAt: at,
        expiresAt: input.expiresInSeconds ? new Date(at.getTime() + input.expiresInSeconds * 1000) : null, revokedAt: null, lastUsedAt: null,
      };
      await store.scimTokens.create(record);
      // a resource or plan change that raced this grant takes back what left the vocabulary
      if ((await deps.removal?.afterGranting(caller, organizationId, record.permissions))?.length)
        record = (await store.scimTokens.findById(organizationId, record.id)) ?? record;
      await deps.audit.record({
        organizationId, action: 'scim_token.created', caller, target: { type: 'scim_token', id: record.id },
        metadata: { name: record.name, permissions: record.permissions },
      });
      return { record, token };
    },

    async list(caller, organizationId, page) {
      assertInScope(caller, organizationId);
      return store.scimTokens.list(organizationId, pageRequest(page));
    },

    get,

    async revoke(caller, organizationId, id) {
      const record = await get(caller, organizationId, id);
      assertReachesEnvironment(caller);
      assertHolds(caller, record.permissions, 'You cannot revoke a SCIM token that holds');
      await revoked(caller, record, { name: record.name });
    },

    status: (record) => keyStatus(record, now()),

    async authenticate(presented, ip) {
      const digests = scimTokenDigests(deps.secrets, presented);
      if (!digests) return null;
      let record = null;
      for (const digest of digests) if ((record = await store.scimTokens.findByDigest(digest))) break;
      const at = now();
      if (!record || keyStatus(record, at) !== 'active') return null;
      if (!record.lastUsedAt || at.getTime() - record.lastUsedAt.getTime() >= TOUCH_INTERVAL_MS) await store.scimTokens.touch(record.id, at);
      const principal: ScimPrincipal = {
        type: 'scim_token', subject: record.id, organization: record.organizationId, environment: null, permissions: [...record.permissions],
      };
      return { principal, ip };
    },

    async revokeCreatedBy(caller, organizationId, userId, reason) {
      const owner = `user:${userId}`;
      const keys = await collectAll((page) => store.apiKeys.list(organizationId, { now: now() }, page));
      const creators = new Set([owner, ...keysOwnedBy(owner, keys).map((key) => `api_key:${key.id}`)]);
      const tokens = await collectAll((page) => store.scimTokens.list(organizationId, page));
      let count = 0;
      for (const token of tokens) {
        if (creators.has(token.createdBy) && !token.revokedAt && (await revoked(caller, token, { name: token.name, reason, owner }))) count++;
      }
      return count;
    },
  };
}
