import type { ApiKeyListFilter, ApiKeyRecord, ApiKeyStore, EventRecord, KeyEnvironment, KeyReminderWindow, KeyRotation, Page, PageRequest, RateLimitPolicy, RotationOutcome } from '../ports.js';
import type { Statement } from 'better-sqlite3';
import type { SqliteDb } from './database.js';
import type { SqliteEvents } from './events.js';
import type { KeyMetadata } from '../../domain/api-keys/metadata.js';
import { date, fromMs, json, pageLimit, parse, patchRow, rethrowUnique, toMs, toPage, type RowCodec } from './rows.js';

interface Row {
  id: string; organization_id: string | null; name: string; environment: string; digest: string; start: string;
  permissions: string; expires_at: number | null; ip_allowlist: string; rate_limit: string | null; created_by: string;
  created_at: number; updated_at: number; revoked_at: number | null; rotated_to: string | null;
  disabled_at: number | null; metadata: string;
}

const codec: RowCodec<Row, ApiKeyRecord> = {
  fromRow: (r) => ({
    id: r.id, organizationId: r.organization_id, name: r.name, environment: r.environment as KeyEnvironment,
    digest: r.digest, start: r.start, permissions: parse<string[]>(r.permissions), expiresAt: fromMs(r.expires_at),
    ipAllowlist: parse<string[]>(r.ip_allowlist), rateLimit: parse<RateLimitPolicy | null>(r.rate_limit),
    createdBy: r.created_by, createdAt: date(r.created_at), updatedAt: date(r.updated_at),
    revokedAt: fromMs(r.revoked_at), rotatedTo: r.rotated_to, disabledAt: fromMs(r.disabled_at),
    metadata: parse<KeyMetadata>(r.metadata),
  }),
  toRow: (k) => ({
    id: k.id, organization_id: k.organizationId, name: k.name, environment: k.environment, digest: k.digest,
    start: k.start, permissions: json(k.permissions), expires_at: toMs(k.expiresAt), ip_allowlist: json(k.ipAllowlist),
    rate_limit: k.rateLimit ? json(k.rateLimit) : null, created_by: k.createdBy, created_at: k.createdAt.getTime(),
    updated_at: k.updatedAt.getTime(), revoked_at: toMs(k.revokedAt), rotated_to: k.rotatedTo,
    disabled_at: toMs(k.disabledAt ?? null), metadata: json(k.metadata ?? {}),
  }),
};

const COLUMNS = ['id', 'organization_id', 'name', 'environment', 'digest', 'start', 'permissions', 'expires_at',
  'ip_allowlist', 'rate_limit', 'created_by', 'created_at', 'updated_at', 'revoked_at', 'rotated_to', 'disabled_at', 'metadata'];
const MUTABLE = ['name', 'environment', 'start', 'permissions', 'expires_at', 'ip_allowlist', 'rate_limit',
  'updated_at', 'revoked_at', 'rotated_to', 'disabled_at', 'metadata'];

/** Not revoked, not expired at `@now`: what the plan's cap counts, disabled keys included. */
const LIVE = 'revoked_at IS NULL AND (expires_at IS NULL OR expires_at > @now)';

/** The status predicates, evaluated at `@now` (ms), as `keyStatus`. `organization_id IS @org` also matches null. */
const STATUS = {
  active: `${LIVE} AND disabled_at IS NULL`,
  disabled: `${LIVE} AND disabled_at IS NOT NULL`,
  revoked: 'revoked_at IS NOT NULL',
  expired: 'revoked_at IS NULL AND expires_at IS NOT NULL AND expires_at <= @now',
  any: '1 = 1',
} as const;

type PageParams = { org: string | null; now: number; cursor: string | null; limit: number };
type ReminderParams = { now: number; after: number | null; upTo: number; cursor: string | null; limit: number };

/**
 * API keys in SQLite. `findById` (the authenticate hot path on a cache miss) is one prepared
 * primary-key lookup. `create` with a cap counts and inserts inside one `BEGIN IMMEDIATE`
 * transaction: the write lock is taken before the count, so concurrent creates in any process
 * serialise and exactly `maxActive` succeed. `rotate` checks the old key, counts, inserts the
 * successor and marks the old key inside one such transaction too: the compare-and-set.
 */
export class SqliteApiKeys implements ApiKeyStore {
  private readonly insert;
  private readonly byId;
  private readonly pages;
  private readonly active;
  private readonly write;
  private readonly changed;
  private readonly markRotated;
  private readonly markRevoked;
  private readonly reminders;

  constructor(private readonly db: SqliteDb, private readonly events: Pick<SqliteEvents, 'writeNow'>) {
    this.insert = db.prepare(`INSERT INTO api_keys (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map((c) => `@${c}`).join(', ')})`);
    this.byId = db.prepare<[string], Row>('SELECT * FROM api_keys WHERE id = ?');
    this.pages = Object.fromEntries(Object.entries(STATUS).map(([status, predicate]) => [status,
      db.prepare<[PageParams], Row>(`SELECT * FROM api_keys WHERE organization_id IS @org AND ${predicate}
        AND (@cursor IS NULL OR id < @cursor) ORDER BY id DESC LIMIT @limit`)])) as Record<keyof typeof STATUS, Statement<[PageParams], Row>>;
    this.active = db.prepare<[{ org: string | null; now: number }], { n: number }>(
      `SELECT count(*) AS n FROM api_keys WHERE organization_id IS @org AND ${LIVE}`);
    this.write = db.prepare(`UPDATE api_keys SET ${MUTABLE.map((c) => `${c} = @${c}`).join(', ')} WHERE id = @id`);
    this.markRotated = db.prepare('UPDATE api_keys SET rotated_to = @rotated_to, expires_at = @expires_at, updated_at = @updated_at WHERE id = @id');
    this.markRevoked = db.prepare<[{ id: string; at: number }], Row>(
      'UPDATE api_keys SET revoked_at = @at, updated_at = @at WHERE id = @id AND revoked_at IS NULL RETURNING *');
    this.changed = db.prepare<[number], { id: string; updated_at: number }>(
      'SELECT id, updated_at FROM api_keys WHERE updated_at >= ? ORDER BY updated_at, id');
    const reminder = (column: string) => db.prepare<[ReminderParams], Row>(`SELECT * FROM api_keys WHERE organization_id IS NOT NULL
      AND revoked_at IS NULL AND rotated_to IS NULL AND (expires_at IS NULL OR expires_at > @now)
      AND (@after IS NULL OR ${column} > @after) AND ${column} <= @upTo AND (@cursor IS NULL OR id < @cursor) ORDER BY id DESC LIMIT @limit`);
    this.reminders = { expiresAt: reminder('expires_at'), createdAt: reminder('created_at') };
  }

  async create(key: ApiKeyRecord, cap?: { maxActive: number; now: Date }, events?: readonly EventRecord[]): Promise<'created' | 'cap_reached'> {
    try {
      return this.db.transaction(() => {
        if (cap && this.active.get({ org: key.organizationId, now: cap.now.getTime() })!.n >= cap.maxActive) return 'cap_reached' as const;
        this.insert.run(codec.toRow(key));
        this.events.writeNow(events);
        return 'created' as const;
      }).immediate();
    } catch (err) {
      rethrowUnique(err, { id: 'id' });
    }
  }

  async rotate(r: KeyRotation): Promise<RotationOutcome> {
    const now = r.successor.createdAt.getTime();
    try {
      return this.db.transaction((): RotationOutcome => {
        const old = this.byId.get(r.oldId);
        if (!old || old.updated_at !== r.expectedUpdatedAt.getTime() || old.revoked_at !== null || old.rotated_to !== null
          || (old.expires_at !== null && old.expires_at <= now)) return 'conflict';
        // the old key is active here, so it is counted
        if (r.cap && this.active.get({ org: old.organization_id, now: r.cap.now.getTime() })!.n >= r.cap.maxActive) return 'cap_reached';
        this.insert.run(codec.toRow(r.successor));
        this.markRotated.run({ id: old.id, rotated_to: r.successor.id, expires_at: toMs(r.oldExpiresAt), updated_at: now });
        this.events.writeNow(r.events);
        return 'rotated';
      }).immediate();
    } catch (err) {
      rethrowUnique(err, { id: 'id' });
    }
  }

  async findById(id: string): Promise<ApiKeyRecord | null> {
    const row = this.byId.get(id);
    return row ? codec.fromRow(row) : null;
  }

  async list(organizationId: string | null, filter: ApiKeyListFilter, page: PageRequest): Promise<Page<ApiKeyRecord>> {
    const limit = pageLimit(page);
    const rows = this.pages[filter.status ?? 'any'].all({
      org: organizationId, now: filter.now.getTime(), cursor: page.cursor ?? null, limit: limit + 1,
    });
    return toPage(rows, limit, codec.fromRow, (k) => k.id);
  }

  /**
   * Patches a key. `updatedAt` defaults to now when the patch does not set it, because
   * `changedSince` (other instances' cache invalidation) must see every change, revocations first.
   */
  async update(id: string, patch: Partial<Omit<ApiKeyRecord, 'id' | 'organizationId' | 'digest' | 'createdAt' | 'createdBy'>>,
    events?: readonly EventRecord[]): Promise<ApiKeyRecord | null> {
    const stamped = { ...patch, updatedAt: patch.updatedAt ?? new Date() };
    return patchRow(this.db, codec, () => this.byId.get(id), (row) => {
      this.write.run(row);
      this.events.writeNow(events);
    }, stamped);
  }

  /** One conditional UPDATE (the compare-and-set) and the events, in one transaction. */
  async revoke(id: string, at: Date, events?: readonly EventRecord[]): Promise<ApiKeyRecord | null> {
    return this.db.transaction(() => {
      const row = this.markRevoked.get({ id, at: at.getTime() });
      if (!row) return null;
      this.events.writeNow(events);
      return codec.fromRow(row);
    }).immediate();
  }

  async listForReminder(w: KeyReminderWindow, page: PageRequest): Promise<Page<ApiKeyRecord>> {
    const limit = pageLimit(page);
    const rows = this.reminders[w.field].all({
      now: w.now.getTime(), after: toMs(w.after), upTo: w.upTo.getTime(), cursor: page.cursor ?? null, limit: limit + 1,
    });
    return toPage(rows, limit, codec.fromRow, (k) => k.id);
  }

  async countActive(organizationId: string, now: Date): Promise<number> {
    return this.active.get({ org: organizationId, now: now.getTime() })!.n;
  }

  async changedSince(since: Date): Promise<Array<{ id: string; updatedAt: Date }>> {
    return this.changed.all(since.getTime()).map((r) => ({ id: r.id, updatedAt: date(r.updated_at) }));
  }
}
