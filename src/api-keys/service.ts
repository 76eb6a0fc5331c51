import { generateApiKey } from '../domain/api-keys/format.js';
import { keyStatus, type ApiKeyStatus } from '../domain/api-keys/status.js';
import { DURATION_FORM, isBoundedSeconds } from '../domain/durations.js';
import { newId } from '../domain/ids.js';
import type { Secrets } from '../domain/secrets.js';
import { problems } from '../http/problem.js';
import type { ApiKeyRecord, EventRecord, KeyEnvironment, Page, PageRequest, RateLimitPolicy, Store } from '../store/ports.js';
import type { Events } from '../events/emitter.js';
import { apiKeyData, type EventPayloads } from '../events/payloads.js';
import type { Organizations } from '../identity/organizations.js';
import type { PermissionRemoval } from '../identity/permission-removal.js';
import type { PermissionService } from '../identity/permissions.js';
import { createdByOf, type Caller } from '../audit/actor.js';
import type { AuditLog } from '../audit/audit-log.js';
import { changedMetadataKeys, type KeyMetadata } from '../domain/api-keys/metadata.js';
import {
  assertChangeable, assertControls, assertGrantable, assertInScope, assertKeyGrantableIn, assertKeyName, assertMetadata, normalizeAllowlist,
} from './rules.js';
import { keyPatch, type KeyChanges } from './key-patch.js';
import { expiryOfNewKey, expiryOfSuccessor } from './lifetime.js';
import { OrganizationKeySettings } from './organization-settings.js';
import type { UsageRecorder } from './usage-recorder.js';
import { insertWithinPlan, writeWithinPlan } from './plan-cap.js';
import { keysOwnedBy } from './ownership.js';
import { collectAll } from '../identity/paging.js';

/** A duration in seconds within the SPEC's bounds (at most 10 years), or 400 naming the field. */
function assertSeconds(field: string, seconds: unknown, allowZero: boolean): void {
  if (!isBoundedSeconds(seconds, allowZero)) throw problems.validation([{ field, message: `must be ${DURATION_FORM}` }]);
}

export interface ApiKeyServiceDeps {
  store: Pick<Store, 'apiKeys' | 'usage' | 'organizations'>;
  secrets: Secrets;
  /** `apiKeys.prefix`: what new keys start with (default `ak`) */
  keyPrefix?: string;
  audit: AuditLog;
  /** every change is an event (webhooks, audit log), stored with the change */
  events: Events;
  organizations: Pick<Organizations, 'resolve' | 'plan'>;
  permissions: Pick<PermissionService, 'outsideVocabulary'>;
  /** takes back what left the vocabulary between a grant's check and its write */
  removal?: Pick<PermissionRemoval, 'afterGranting'>;
  usage?: UsageRecorder;
  /** called after every mutation with the key's id (the resource server drops its cache entry) */
  onChange?: (keyId: string) => void;
  /** the deployment's default rotation reminder in days (config `webhooks.reminders.rotationAfterDays`; default 90) */
  defaultReminderDays?: number;
  now?: () => Date;
}

export interface CreateApiKeyInput {
  name: string;
  permissions: string[];
  environment?: KeyEnvironment;
  expiresInSeconds?: number | null;
  ipAllowlist?: string[];
  rateLimit?: RateLimitPolicy | null;
  /** validated against its bounds (see `domain/api-keys/metadata.ts`) */
  metadata?: KeyMetadata;
}

/** A PATCH: any of name, permissions, IP allowlist, rate limit, metadata and `enabled`. */
export type UpdateApiKeyInput = KeyChanges;

/** Why a key was revoked: by a caller's request, or because the person who made it left or was disabled. */
export type KeyRevocationReason = EventPayloads['api_key.revoked']['reason'];

/** A key as just created or rotated: the record plus its plaintext, which is never shown again. */
export interface IssuedApiKey { record: ApiKeyRecord; key: string }

/**
 * API-key lifecycle: create, list, get, update, rotate, revoke. Every method takes the caller and
 * the organization (null = server-scoped keys) and enforces scope, no-escalation and the plan cap;
 * every mutation is an event (`api_key.*`: webhooks and the audit log, stored in the change's own
 * transaction) and is reported through `onChange`.
 */
export class ApiKeyService {
  private readonly listeners: Array<(keyId: string) => void> = [];
  private readonly now: () => Date;
  /** the organizations' key settings: `max_key_lifetime`, `key_rotation_reminder_days` */
  readonly settings: OrganizationKeySettings;

  constructor(private readonly deps: ApiKeyServiceDeps) {
    this.now = deps.now ?? (() => new Date());
    if (deps.onChange) this.listeners.push(deps.onChange);
    this.settings = new OrganizationKeySettings({ store: deps.store, defaultReminderDays: deps.defaultReminderDays ?? 90 });
  }

  /** Adds a listener called with a key's id after each mutation of it. */
  onChange(listener: (keyId: string) => void): void {
    this.listeners.push(listener);
  }

  async create(caller: Caller, organizationId: string | null, input: CreateApiKeyInput): Promise<IssuedApiKey> {
    assertInScope(caller, organizationId);
    assertKeyName(input.name);
    if (input.expiresInSeconds != null) assertSeconds('expires_in', input.expiresInSeconds, false);
    const metadata = assertMetadata(input.metadata ?? {});
    const environment = input.environment ?? 'live';
    await this.checkPermissions(caller, organizationId, input.permissions, environment);
    const now = this.now();
    const expiresAt = expiryOfNewKey(await this.organizationOf(organizationId), input.expiresInSeconds, now);
    const id = newId('key');
    const { key, start, digest } = generateApiKey(this.deps.secrets, environment, id, this.deps.keyPrefix);
    const record: ApiKeyRecord = {
      id, organizationId, name: input.name.trim(), environment, digest, start,
      permissions: [...new Set(input.permissions)],
      expiresAt,
      ipAllowlist: normalizeAllowlist(input.ipAllowlist ?? []),
      rateLimit: input.rateLimit ?? null,
      createdBy: createdByOf(caller), createdAt: now, updatedAt: now, revokedAt: null, rotatedTo: null, disabledAt: null, metadata,
    };
    const created = this.keyEvent('api_key.created', caller, record, { api_key: apiKeyData(record, now) },
      { name: record.name, permissions: record.permissions, environment });
    await insertWithinPlan(this.deps, record, 0, [created]);
    const settled = await this.settled(caller, record);
    this.notify(record.id);
    return { record: settled, key };
  }

  list(caller: Caller, organizationId: string | null, page: PageRequest, status?: ApiKeyStatus): Promise<Page<ApiKeyRecord>> {
    assertInScope(caller, organizationId);
    return this.deps.store.apiKeys.list(organizationId, { status, now: this.now() }, page);
  }

  async get(caller: Caller, organizationId: string | null, id: string): Promise<ApiKeyRecord> {
    assertInScope(caller, organizationId);
    const record = await this.deps.store.apiKeys.findById(id);
    if (!record || record.organizationId !== organizationId) throw problems.notFound('API key');
    return record;
  }

  /**
   * Changes a key (PATCH), disabling or re-enabling it included. A disabled key may be changed
   * and re-enabled; a revoked or expired one never (409). The caller must control the key (hold
   * every permission of it, reach its environment): disabling weakens it, re-enabling brings it
   * back. `api_key.updated` names the fields set and the previous value of each one changed.
   */
  async update(caller: Caller, organizationId: string | null, id: string, input: UpdateApiKeyInput): Promise<ApiKeyRecord> {
    const current = await this.get(caller, organizationId, id);
    assertChangeable(current, this.now());
    assertControls(caller, current);
    if (input.permissions) await this.checkPermissions(caller, organizationId, input.permissions, current.environment);
    const { patch, next, fields, previous } = keyPatch(current, input, this.now());
    const audited = {
      fields,
      ...('enabled' in previous ? { enabled: next.disabledAt === null } : {}),
      ...('metadata' in previous ? { metadata_keys: changedMetadataKeys(current.metadata, next.metadata) } : {}),
    };
    const event = this.keyEvent('api_key.updated', caller, next,
      { api_key: apiKeyData(next, patch.updatedAt!), changed_fields: fields, previous }, audited);
    const stored = await this.deps.store.apiKeys.update(current.id, patch, [event]);
    if (!stored) throw problems.notFound('API key');
    const updated = patch.permissions ? await this.settled(caller, stored) : stored;
    this.notify(updated.id);
    return updated;
  }

  /**
   * Issues a successor with the same name, permissions, allowlist, limit and expiry; the old key
   * keeps working for `graceSeconds` (0: stops at once). The caller must hold every permission of
   * the key, or rotating would hand it a key stronger than itself. The store rotates as one
   * compare-and-set on the version read here: of concurrent rotations exactly one succeeds, and
   * a key changed meanwhile (e.g. its permissions narrowed) is never copied from the old version.
   */
  async rotate(caller: Caller, organizationId: string | null, id: string, graceSeconds: number): Promise<IssuedApiKey> {
    assertSeconds('grace_period', graceSeconds, true);
    const old = await this.getActive(caller, organizationId, id);
    if (old.rotatedTo) throw problems.conflict('already_rotated', `This key was already rotated to ${old.rotatedTo}.`);
    assertGrantable(caller, old.permissions, old.environment);
    const now = this.now();
    const newIdValue = newId('key');
    const { key, start, digest } = generateApiKey(this.deps.secrets, old.environment, newIdValue, this.deps.keyPrefix);
    const record: ApiKeyRecord = {
      ...old, id: newIdValue, digest, start, createdBy: createdByOf(caller),
      createdAt: now, updatedAt: now, revokedAt: null, rotatedTo: null, disabledAt: null,
      expiresAt: expiryOfSuccessor(await this.organizationOf(old.organizationId), old.expiresAt, now),
    };
    const graceEnd = new Date(now.getTime() + graceSeconds * 1000);
    const expiresAt = old.expiresAt && old.expiresAt < graceEnd ? old.expiresAt : graceEnd;
    const rotated = this.keyEvent('api_key.rotated', caller, record,
      { api_key: apiKeyData(record, now), previous_key: { id: old.id, expires_at: expiresAt.toISOString() } },
      { rotated_from: old.id, grace_seconds: graceSeconds });
    // the old key still counts as active through its grace period: one over the plan's cap
    const outcome = await writeWithinPlan(this.deps, old.organizationId, now, 1, (cap) => this.deps.store.apiKeys.rotate({
      oldId: old.id, expectedUpdatedAt: old.updatedAt, oldExpiresAt: expiresAt, successor: record, cap, events: [rotated],
    }));
    if (outcome === 'conflict') throw await this.rotationConflict(caller, organizationId, id);
    this.notify(old.id);
    this.notify(record.id);
    return { record, key };
  }

  /** Why a rotation lost its compare-and-set, read again: rotated, no longer active, or changed. */
  private async rotationConflict(caller: Caller, organizationId: string | null, id: string) {
    const current = await this.get(caller, organizationId, id);
    if (current.rotatedTo) return problems.conflict('already_rotated', `This key was already rotated to ${current.rotatedTo}.`);
    const status = keyStatus(current, this.now());
    if (status !== 'active') return problems.conflict('key_not_active', `This key is ${status}.`);
    return problems.conflict('key_changed', 'This key changed while it was being rotated; read it again and retry.');
  }

  /**
   * Revokes a key; it fails from the next request on. Revoking a revoked key changes nothing.
   * Revoking is weakening: refused for a key stronger than the caller.
   */
  async revoke(caller: Caller, organizationId: string | null, id: string): Promise<void> {
    const record = await this.get(caller, organizationId, id);
    assertControls(caller, record);
    await this.revokeAs(caller, record, 'requested', { name: record.name });
  }

  /**
   * Revokes every key of the organization that belongs to `owner` (see `keysOwnedBy`), when the
   * person leaves or is disabled (SPEC §4). A consequence of that change, so no holder check;
   * each revocation is an `api_key.revoked` event with the `reason`. @returns how many keys this call revoked
   */
  async revokeOwnedBy(caller: Caller, organizationId: string, owner: string, reason: KeyRevocationReason): Promise<number> {
    // the whole tree (a revoked key may have minted keys that are still active), then the active ones
    const keys = await collectAll((page) => this.deps.store.apiKeys.list(organizationId, { now: this.now() }, page));
    // disabled keys too: they could be re-enabled
    const owned = keysOwnedBy(owner, keys).filter((key) => ['active', 'disabled'].includes(keyStatus(key, this.now())));
    let revoked = 0;
    for (const key of owned) if (await this.revokeAs(caller, key, reason, { name: key.name, reason, owner })) revoked++;
    return revoked;
  }

  /**
   * Revokes a key secret scanning found in public (SPEC §10): a consequence of the leak, not of a
   * caller, so no holder check (the actor is `system`); `also` (the `api_key.leaked` event) is
   * written with the revocation, or not at all. @returns whether this call revoked it
   */
  async revokeLeaked(record: ApiKeyRecord, also: readonly EventRecord[]): Promise<boolean> {
    return this.revokeAs(null, record, 'leaked', { name: record.name, reason: 'leaked' }, also);
  }

  /**
   * Revokes as one compare-and-set with its event: of concurrent revocations of a key, only the
   * one that revokes it writes `api_key.revoked` (and `also`). @returns whether this call revoked it
   */
  private async revokeAs(caller: Caller | null, record: ApiKeyRecord, reason: KeyRevocationReason, metadata: Record<string, unknown>,
    also: readonly EventRecord[] = []): Promise<boolean> {
    if (record.revokedAt) return false;
    const now = this.now();
    const revoked = { ...record, revokedAt: now, updatedAt: now };
    const event = this.keyEvent('api_key.revoked', caller, revoked, { api_key: apiKeyData(revoked, now), reason }, metadata);
    const done = await this.deps.store.apiKeys.revoke(record.id, now, [...also, event]);
    this.notify(record.id);
    return done !== null;
  }

  /** When the key was last used: the newer of the store's record and this process's buffer. */
  async lastUsedAt(keyId: string): Promise<Date | null> {
    return (await this.lastUsedAtMany([keyId])).get(keyId) ?? null;
  }

  /** `lastUsedAt` of a page of keys, with one store read. */
  async lastUsedAtMany(keyIds: readonly string[]): Promise<Map<string, Date | null>> {
    const stored = await this.deps.store.usage.lastUsedAtMany(keyIds);
    return new Map(keyIds.map((id) => {
      const at = stored.get(id) ?? null;
      const pending = this.deps.usage?.pendingLastUsedAt(id) ?? null;
      return [id, !at || (pending && pending > at) ? pending : at];
    }));
  }

  /** Per-day use counts of a key, oldest first, for UTC days in [fromDay, toDay]. */
  async usage(caller: Caller, organizationId: string | null, id: string, fromDay: string, toDay: string) {
    const record = await this.get(caller, organizationId, id);
    await this.deps.usage?.flush();
    return this.deps.store.usage.daily(record.id, fromDay, toDay);
  }

  status(record: ApiKeyRecord): ApiKeyStatus {
    return keyStatus(record, this.now());
  }

  private async getActive(caller: Caller, organizationId: string | null, id: string): Promise<ApiKeyRecord> {
    const record = await this.get(caller, organizationId, id);
    const status = keyStatus(record, this.now());
    if (status !== 'active') throw problems.conflict('key_not_active', `This key is ${status}.`);
    return record;
  }

  /** The organization whose key policy applies (null for server-scoped keys, which have none). */
  private async organizationOf(organizationId: string | null) {
    return organizationId === null ? null : this.deps.organizations.resolve(organizationId);
  }

  private async checkPermissions(caller: Caller, organizationId: string | null, permissions: string[], env?: KeyEnvironment) {
    if (permissions.length === 0) throw problems.validation([{ field: 'permissions', message: 'must list at least one permission' }]);
    await assertKeyGrantableIn(caller, this.deps.permissions, organizationId, permissions, env);
  }

  /** The key as stored once a change that raced its grant had its say (see `afterGranting`). */
  private async settled(caller: Caller, record: ApiKeyRecord): Promise<ApiKeyRecord> {
    const taken = await this.deps.removal?.afterGranting(caller, record.organizationId, record.permissions);
    return taken?.length ? (await this.deps.store.apiKeys.findById(record.id)) ?? record : record;
  }

  /** The event (and audit entry) of a change to a key, for the store to write with the change. */
  private keyEvent<T extends 'api_key.created' | 'api_key.updated' | 'api_key.rotated' | 'api_key.revoked'>(
    type: T, caller: Caller | null, record: ApiKeyRecord, data: EventPayloads[T], metadata: Record<string, unknown>): EventRecord {
    return this.deps.events.record(type, {
      organizationId: record.organizationId, caller, target: { type: 'api_key', id: record.id }, data, metadata, at: this.now(),
    });
  }

  private notify(keyId: string): void {
    for (const listener of this.listeners) listener(keyId);
  }
}
