import { Schema, type ClientSession, type Connection, type Model } from 'mongoose';
import type { ApiKeyListFilter, ApiKeyRecord, ApiKeyStore, EventRecord, KeyEnvironment, KeyReminderWindow, KeyRotation, Page, PageRequest, RateLimitPolicy, RotationOutcome } from '../ports.js';
import type { KeyMetadata } from '../../domain/api-keys/metadata.js';
import type { MongoEvents } from './events.js';
import { SCHEMA_OPTIONS, isDuplicate, pageOf, rethrowDuplicate, setOf, stringId } from './support.js';
import { inTransaction } from './transactions.js';

interface Doc {
  _id: string; organizationId: string | null; name: string; environment: KeyEnvironment; digest: string; start: string;
  permissions: string[]; expiresAt: Date | null; ipAllowlist: string[]; rateLimit: RateLimitPolicy | null; createdBy: string;
  createdAt: Date; updatedAt: Date; revokedAt: Date | null; rotatedTo: string | null;
  /** absent on keys stored before disabling existed: read as null (a `null` query matches missing fields too) */
  disabledAt?: Date | null;
  /** absent on keys stored before metadata existed: read as {} */
  metadata?: KeyMetadata;
}

const schema = new Schema<Doc>({
  _id: stringId,
  organizationId: { type: String, default: null },
  name: { type: String },
  environment: { type: String },
  digest: { type: String },
  start: { type: String },
  permissions: { type: [String], default: [] },
  expiresAt: { type: Date, default: null },
  ipAllowlist: { type: [String], default: [] },
  rateLimit: { type: new Schema<RateLimitPolicy>({ limit: Number, windowSeconds: Number }, { _id: false }), default: null },
  createdBy: { type: String },
  createdAt: { type: Date, required: true },
  updatedAt: { type: Date, required: true },
  revokedAt: { type: Date, default: null },
  rotatedTo: { type: String, default: null },
  disabledAt: { type: Date, default: null },
  // Mixed, not Map: a plain sub-document (keys are validated by the service, never start with `$`)
  metadata: { type: Schema.Types.Mixed, default: () => ({}) },
}, SCHEMA_OPTIONS);
schema.index({ organizationId: 1, _id: -1 });
schema.index({ updatedAt: 1 });
schema.index({ expiresAt: 1 }, { partialFilterExpression: { expiresAt: { $type: 'date' } } });
schema.index({ createdAt: 1 });

/**
 * One document per organization (or `__server__`) that every capped create increments inside its
 * transaction: two concurrent creates then write the same document, so MongoDB aborts one with a
 * write conflict and `withTransaction` retries it after the other committed; it then counts the
 * key the first one inserted. Without this shared write, snapshot isolation would let both count
 * the same number and both insert (write skew).
 */
interface CapLockDoc { _id: string; version: number }
const capLockSchema = new Schema<CapLockDoc>({ _id: stringId, version: { type: Number, default: 0 } }, SCHEMA_OPTIONS);

const fromDoc = (d: Doc): ApiKeyRecord => ({
  id: d._id, organizationId: d.organizationId ?? null, name: d.name, environment: d.environment, digest: d.digest,
  start: d.start, permissions: [...(d.permissions ?? [])], expiresAt: d.expiresAt ?? null, ipAllowlist: [...(d.ipAllowlist ?? [])],
  rateLimit: d.rateLimit ? { limit: d.rateLimit.limit, windowSeconds: d.rateLimit.windowSeconds } : null,
  createdBy: d.createdBy, createdAt: d.createdAt, updatedAt: d.updatedAt, revokedAt: d.revokedAt ?? null,
  rotatedTo: d.rotatedTo ?? null, disabledAt: d.disabledAt ?? null, metadata: { ...(d.metadata ?? {}) },
});

const toDoc = (k: ApiKeyRecord): Doc => {
  const { id, ...rest } = k;
  return { _id: id, ...rest };
};

/** Not revoked, not expired at `now`: what the plan's cap counts, disabled keys included. */
const live = (now: Date) => ({ revokedAt: null, $or: [{ expiresAt: null }, { expiresAt: { $gt: now } }] });

/** The status filters, evaluated at `now`, as `keyStatus`. */
function statusFilter(status: ApiKeyListFilter['status'], now: Date): Record<string, unknown> {
  switch (status) {
    case 'active': return { ...live(now), disabledAt: null };
    case 'disabled': return { ...live(now), disabledAt: { $ne: null } };
    case 'revoked': return { revokedAt: { $ne: null } };
    case 'expired': return { revokedAt: null, expiresAt: { $ne: null, $lte: now } };
    default: return {};
  }
}

/** Thrown inside a rotation's transaction to abort it (and undo its claim) when the cap is reached. */
class CapReached extends Error {}

const capLockId = (organizationId: string | null) => organizationId ?? '__server__';

/** API keys in MongoDB (`api_keys`; `_id` is the key id). */
export class MongoApiKeys implements ApiKeyStore {
  readonly model: Model<Doc>;
  readonly capLocks: Model<CapLockDoc>;

  constructor(private readonly conn: Connection, private readonly events: Pick<MongoEvents, 'writeInSession'>) {
    this.model = conn.model<Doc>('ApiKey', schema, 'api_keys');
    this.capLocks = conn.model<CapLockDoc>('ApiKeyCapLock', capLockSchema, 'api_key_cap_locks');
  }

  async create(key: ApiKeyRecord, cap?: { maxActive: number; now: Date }, events?: readonly EventRecord[]): Promise<'created' | 'cap_reached'> {
    try {
      if (!cap && !events?.length) {
        await this.model.create(toDoc(key));
        return 'created';
      }
      if (!cap) {
        return await inTransaction(this.conn, async (session) => {
          await this.model.create([toDoc(key)], { session });
          await this.events.writeInSession(events, session);
          return 'created' as const;
        });
      }
      const lockId = await this.ensureCapLock(key.organizationId);
      return await inTransaction(this.conn, async (session) => {
        // upsert too: should the lock document ever be missing from this transaction's snapshot,
        // an update matching nothing would write nothing and silently lose the serialisation;
        // an insert racing another transaction's insert is a (retried) write conflict instead
        await this.capLocks.updateOne({ _id: lockId }, { $inc: { version: 1 } }, { session, upsert: true });
        const active = await this.model.countDocuments({ organizationId: key.organizationId, ...live(cap.now) }).session(session);
        if (active >= cap.maxActive) return 'cap_reached' as const;
        await this.model.create([toDoc(key)], { session });
        await this.events.writeInSession(events, session);
        return 'created' as const;
      });
    } catch (err) {
      rethrowDuplicate(err, { _id: 'id' });
    }
  }

  /**
   * One transaction: with a cap, the organization's cap lock is written first (so this count
   * and concurrent creates serialise, as in `create`); then the old key is claimed by a
   * conditional update matching only the version read, unrevoked, unrotated and unexpired, the
   * compare-and-set (concurrent claims of one key conflict, and the retried loser matches
   * nothing); then the cap is counted, the old key as active; then the successor is inserted.
   */
  async rotate(r: KeyRotation): Promise<RotationOutcome> {
    const now = r.successor.createdAt;
    try {
      const lockId = r.cap ? await this.ensureCapLock(r.successor.organizationId) : null;
      return await inTransaction(this.conn, async (session) => {
        if (lockId) await this.capLocks.updateOne({ _id: lockId }, { $inc: { version: 1 } }, { session, upsert: true });
        const claim = await this.model.updateOne(
          { _id: r.oldId, updatedAt: r.expectedUpdatedAt, rotatedTo: null, revokedAt: null, $or: [{ expiresAt: null }, { expiresAt: { $gt: now } }] },
          { $set: { rotatedTo: r.successor.id, expiresAt: r.oldExpiresAt, updatedAt: now } },
          { session },
        );
        if (claim.matchedCount === 0) return 'conflict' as const;
        if (r.cap) {
          const others = await this.model.countDocuments({
            _id: { $ne: r.oldId }, organizationId: r.successor.organizationId, ...live(r.cap.now),
          }).session(session);
          if (others + 1 >= r.cap.maxActive) throw new CapReached();
        }
        await this.model.create([toDoc(r.successor)], { session });
        await this.events.writeInSession(r.events, session);
        return 'rotated' as const;
      });
    } catch (err) {
      if (err instanceof CapReached) return 'cap_reached';
      rethrowDuplicate(err, { _id: 'id' });
    }
  }

  /**
   * Makes sure the organization's cap-lock document exists before any transaction touches it, so
   * concurrent transactions only ever conflict on its update (a retried write conflict), never on
   * its insert. @returns its id
   */
  private async ensureCapLock(organizationId: string | null): Promise<string> {
    const lockId = capLockId(organizationId);
    await this.capLocks.updateOne({ _id: lockId }, { $setOnInsert: { version: 0 } }, { upsert: true }).catch((err: unknown) => {
      if (!isDuplicate(err)) throw err;
    });
    return lockId;
  }

  async findById(id: string): Promise<ApiKeyRecord | null> {
    const doc = await this.model.findById(id).lean<Doc | null>();
    return doc ? fromDoc(doc) : null;
  }

  async list(organizationId: string | null, filter: ApiKeyListFilter, page: PageRequest): Promise<Page<ApiKeyRecord>> {
    return pageOf(this.model, { organizationId, ...statusFilter(filter.status, filter.now) }, page, fromDoc, (k) => k.id);
  }

  /** `updatedAt` defaults to now when the patch does not set it (see the SQLite adapter). */
  async update(id: string, patch: Partial<Omit<ApiKeyRecord, 'id' | 'organizationId' | 'digest' | 'createdAt' | 'createdBy'>>,
    events?: readonly EventRecord[]): Promise<ApiKeyRecord | null> {
    const set = setOf({ ...patch, updatedAt: patch.updatedAt ?? new Date() });
    const change = (session?: ClientSession) =>
      this.model.findOneAndUpdate({ _id: id }, { $set: set }, { returnDocument: 'after', session }).lean<Doc | null>();
    const doc = !events?.length ? await change() : await inTransaction(this.conn, async (session) => {
      const updated = await change(session);
      if (updated) await this.events.writeInSession(events, session);
      return updated;
    });
    return doc ? fromDoc(doc) : null;
  }

  /** The compare-and-set is one conditional update on `revokedAt: null`; with events, in their transaction. */
  async revoke(id: string, at: Date, events?: readonly EventRecord[]): Promise<ApiKeyRecord | null> {
    const claim = (session?: ClientSession) => this.model.findOneAndUpdate({ _id: id, revokedAt: null },
      { $set: { revokedAt: at, updatedAt: at } }, { returnDocument: 'after', session }).lean<Doc | null>();
    const doc = !events?.length ? await claim() : await inTransaction(this.conn, async (session) => {
      const revoked = await claim(session);
      if (revoked) await this.events.writeInSession(events, session);
      return revoked;
    });
    return doc ? fromDoc(doc) : null;
  }

  async listForReminder(w: KeyReminderWindow, page: PageRequest): Promise<Page<ApiKeyRecord>> {
    const unexpired = { $or: [{ expiresAt: null }, { expiresAt: { $gt: w.now } }] };
    const range: Record<string, Date> = { $lte: w.upTo };
    if (w.after) range.$gt = w.after;
    // keys by expiry: the range's lower bound is also "not expired yet"
    if (w.field === 'expiresAt') range.$gt = w.after && w.after > w.now ? w.after : w.now;
    const filter = { organizationId: { $ne: null }, revokedAt: null, rotatedTo: null, [w.field]: range, ...(w.field === 'createdAt' ? unexpired : {}) };
    return pageOf(this.model, filter, page, fromDoc, (k) => k.id);
  }

  async countActive(organizationId: string, now: Date): Promise<number> {
    return this.model.countDocuments({ organizationId, ...live(now) });
  }

  async changedSince(since: Date): Promise<Array<{ id: string; updatedAt: Date }>> {
    const docs = await this.model.find({ updatedAt: { $gte: since } }, { _id: 1, updatedAt: 1 })
      .sort({ updatedAt: 1, _id: 1 }).lean<Array<Pick<Doc, '_id' | 'updatedAt'>>>();
    return docs.map((d) => ({ id: d._id, updatedAt: d.updatedAt }));
  }
}
