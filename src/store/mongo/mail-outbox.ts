import { Schema, type Connection, type Model } from 'mongoose';
import { FINISHED_MAIL_RETENTION_SECONDS, type MailOutboxStore, type OutboxMail } from '../ports.js';
import { leaseDue } from './leases.js';
import { SCHEMA_OPTIONS, duplicateKeysOf, stringId } from './support.js';

interface Doc {
  _id: string; kind: string; organizationId: string | null; sealed: string; status: OutboxMail['status']; attempts: number;
  nextAttemptAt: Date; leaseOwner: string | null; leaseExpiresAt: Date | null; lastError: string | null; createdAt: Date;
  finishedAt: Date | null; dedupeKey: string | null;
}

const schema = new Schema<Doc>({
  _id: stringId,
  kind: { type: String, required: true },
  organizationId: { type: String, default: null },
  sealed: { type: String, default: '' },
  status: { type: String, required: true },
  attempts: { type: Number, default: 0 },
  nextAttemptAt: { type: Date, required: true },
  leaseOwner: { type: String, default: null },
  leaseExpiresAt: { type: Date, default: null },
  lastError: { type: String, default: null },
  createdAt: { type: Date, required: true },
  finishedAt: { type: Date, default: null },
  dedupeKey: { type: String, default: null },
}, SCHEMA_OPTIONS);
schema.index({ status: 1, nextAttemptAt: 1 });
// finished messages (body erased) leave after the retention period; pending ones have no finishedAt
schema.index({ finishedAt: 1 }, { expireAfterSeconds: FINISHED_MAIL_RETENTION_SECONDS });
// at most one mail per key (alerts: per event and recipient); mail without a key is not indexed
schema.index({ dedupeKey: 1 }, { unique: true, partialFilterExpression: { dedupeKey: { $type: 'string' } } });

const fromDoc = (d: Doc): OutboxMail => ({
  id: d._id, kind: d.kind, organizationId: d.organizationId ?? null, sealed: d.sealed ?? '', status: d.status,
  attempts: d.attempts ?? 0, nextAttemptAt: d.nextAttemptAt, leaseOwner: d.leaseOwner ?? null, leaseExpiresAt: d.leaseExpiresAt ?? null,
  lastError: d.lastError ?? null, createdAt: d.createdAt, finishedAt: d.finishedAt ?? null, dedupeKey: d.dedupeKey ?? null,
});

/** The mail outbox in MongoDB (`mail_outbox`). Leases are `leaseDue`'s; sending and failing match the lease owner. */
export class MongoMailOutbox implements MailOutboxStore {
  readonly model: Model<Doc>;

  constructor(conn: Connection) {
    this.model = conn.model<Doc>('OutboxMail', schema, 'mail_outbox');
  }

  async enqueue(mail: OutboxMail): Promise<boolean> {
    const { id, ...rest } = mail;
    try {
      await this.model.create({ _id: id, ...rest });
      return true;
    } catch (err) {
      // the same key stored already (a retry): the first mail stands
      if (mail.dedupeKey && duplicateKeysOf(err) === 'dedupeKey') return false;
      throw err;
    }
  }

  async findById(id: string): Promise<OutboxMail | null> {
    const doc = await this.model.findById(id).lean<Doc | null>();
    return doc ? fromDoc(doc) : null;
  }

  async lease(owner: string, now: Date, until: Date, limit: number): Promise<OutboxMail[]> {
    return (await leaseDue(this.model, owner, now, until, limit)).map(fromDoc);
  }

  async markSent(id: string, owner: string, at: Date): Promise<boolean> {
    const result = await this.model.updateOne({ _id: id, status: 'pending', leaseOwner: owner }, {
      $set: { status: 'sent', sealed: '', finishedAt: at, leaseOwner: null, leaseExpiresAt: null },
    });
    return result.modifiedCount === 1;
  }

  async markFailed(id: string, owner: string, at: Date, error: string, nextAttemptAt: Date | null): Promise<boolean> {
    const set = nextAttemptAt
      ? { lastError: error, leaseOwner: null, leaseExpiresAt: null, nextAttemptAt }
      : { lastError: error, leaseOwner: null, leaseExpiresAt: null, status: 'failed', sealed: '', finishedAt: at };
    const result = await this.model.updateOne({ _id: id, status: 'pending', leaseOwner: owner }, { $set: set, $inc: { attempts: 1 } });
    return result.modifiedCount === 1;
  }
}
