import { Schema, type ClientSession, type Connection, type Model } from 'mongoose';
import type { EventRecord, Membership, MembershipChange, MembershipStore, Page, PageRequest } from '../ports.js';
import type { MongoEvents } from './events.js';
import { SCHEMA_OPTIONS, isDuplicate, pageOf, rethrowDuplicate, setOf, stringId } from './support.js';
import { inTransaction } from './transactions.js';

interface Doc { _id: string; organizationId: string; userId: string; roles: string[]; disabled: boolean; createdAt: Date }

const schema = new Schema<Doc>({
  _id: stringId,
  organizationId: { type: String },
  userId: { type: String },
  roles: { type: [String], default: [] },
  disabled: { type: Boolean, default: false },
  createdAt: { type: Date, required: true },
}, SCHEMA_OPTIONS);
schema.index({ organizationId: 1, userId: 1 }, { unique: true });
schema.index({ organizationId: 1, _id: -1 });
schema.index({ userId: 1, _id: 1 });

/**
 * One document per organization that every guarded membership change increments inside its
 * transaction (as the API-key cap does): two concurrent demotions of the last two admins write
 * the same document, so one is retried after the other committed and then counts one admin
 * fewer. Without it snapshot isolation would let both count two admins (write skew).
 */
interface LockDoc { _id: string; version: number }
const lockSchema = new Schema<LockDoc>({ _id: stringId, version: { type: Number, default: 0 } }, SCHEMA_OPTIONS);

const fromDoc = (d: Doc): Membership => ({
  id: d._id, organizationId: d.organizationId, userId: d.userId, roles: [...(d.roles ?? [])], disabled: d.disabled === true,
  createdAt: d.createdAt,
});

const isEnabledAdmin = (m: Membership) => !m.disabled && m.roles.includes('admin');

/** Whether the membership still has the roles the caller checked (no expectation: always). */
const sameRoles = (m: Membership, expected?: readonly string[]) =>
  !expected || JSON.stringify(m.roles) === JSON.stringify(expected);

/** Memberships in MongoDB (`memberships`; one per organization and user); a join or a removal with events is one transaction with them. */
export class MongoMemberships implements MembershipStore {
  readonly model: Model<Doc>;
  readonly locks: Model<LockDoc>;

  constructor(private readonly conn: Connection, private readonly events: Pick<MongoEvents, 'writeInSession'>) {
    this.model = conn.model<Doc>('Membership', schema, 'memberships');
    this.locks = conn.model<LockDoc>('MembershipLock', lockSchema, 'membership_locks');
  }

  async create(m: Membership, events?: readonly EventRecord[]): Promise<void> {
    const doc = { _id: m.id, organizationId: m.organizationId, userId: m.userId, roles: m.roles, disabled: m.disabled, createdAt: m.createdAt };
    try {
      if (!events?.length) {
        await this.model.create(doc);
        return;
      }
      await inTransaction(this.conn, async (session) => {
        await this.model.create([doc], { session });
        await this.events.writeInSession(events, session);
      });
    } catch (err) {
      rethrowDuplicate(err, { 'organizationId,userId': 'membership', _id: 'id' });
    }
  }

  async find(organizationId: string, userId: string): Promise<Membership | null> {
    const doc = await this.model.findOne({ organizationId, userId }).lean<Doc | null>();
    return doc ? fromDoc(doc) : null;
  }

  async listByOrganization(organizationId: string, page: PageRequest): Promise<Page<Membership>> {
    return pageOf(this.model, { organizationId }, page, fromDoc, (m) => m.id);
  }

  /** oldest membership first */
  async listByUser(userId: string): Promise<Membership[]> {
    const docs = await this.model.find({ userId }).sort({ _id: 1 }).lean<Doc[]>();
    return docs.map(fromDoc);
  }

  async update(organizationId: string, userId: string, patch: { roles?: string[]; disabled?: boolean },
    expectedRoles?: readonly string[]): Promise<MembershipChange> {
    return this.guarded(organizationId, async (session): Promise<MembershipChange> => {
      const doc = await this.model.findOne({ organizationId, userId }).session(session).lean<Doc | null>();
      if (!doc) return { outcome: 'not_found' };
      const current = fromDoc(doc);
      if (!sameRoles(current, expectedRoles)) return { outcome: 'changed' };
      if (await this.losesLastAdmin(current, { ...current, ...setOf(patch) } as Membership, session)) return { outcome: 'last_admin' };
      const updated = await this.model.findOneAndUpdate({ _id: doc._id }, { $set: setOf(patch) }, { session, returnDocument: 'after' })
        .lean<Doc | null>();
      return updated ? { outcome: 'updated', membership: fromDoc(updated) } : { outcome: 'not_found' };
    });
  }

  async delete(organizationId: string, userId: string, expectedRoles?: readonly string[], events?: readonly EventRecord[]):
    Promise<'deleted' | 'not_found' | 'last_admin' | 'changed'> {
    return this.guarded(organizationId, async (session) => {
      const doc = await this.model.findOne({ organizationId, userId }).session(session).lean<Doc | null>();
      if (!doc) return 'not_found' as const;
      if (!sameRoles(fromDoc(doc), expectedRoles)) return 'changed' as const;
      if (await this.losesLastAdmin(fromDoc(doc), null, session)) return 'last_admin' as const;
      await this.model.deleteOne({ _id: doc._id }, { session });
      await this.events.writeInSession(events, session);
      return 'deleted' as const;
    });
  }

  private async losesLastAdmin(current: Membership, next: Membership | null, session: ClientSession): Promise<boolean> {
    if (!isEnabledAdmin(current) || (next && isEnabledAdmin(next))) return false;
    const others = await this.model.countDocuments({
      organizationId: current.organizationId, userId: { $ne: current.userId }, disabled: { $ne: true }, roles: 'admin',
    }).session(session);
    return others === 0;
  }

  /** Runs `fn` in a transaction serialised with every other guarded change of the organization. */
  private async guarded<T>(organizationId: string, fn: (session: ClientSession) => Promise<T>): Promise<T> {
    // the lock document exists before any transaction touches it (see MongoApiKeys.create)
    await this.locks.updateOne({ _id: organizationId }, { $setOnInsert: { version: 0 } }, { upsert: true }).catch((err: unknown) => {
      if (!isDuplicate(err)) throw err;
    });
    return inTransaction(this.conn, async (session) => {
      await this.locks.updateOne({ _id: organizationId }, { $inc: { version: 1 } }, { session, upsert: true });
      return fn(session);
    });
  }
}
