import { Schema, type Connection, type Model } from 'mongoose';
import type { EventRecord, Invitation, InvitationStore, Page, PageRequest } from '../ports.js';
import type { MongoEvents } from './events.js';
import { inTransaction } from './transactions.js';
import { SCHEMA_OPTIONS, pageOf, rethrowDuplicate, stringId } from './support.js';

interface Doc {
  _id: string; organizationId: string; email: string; roles: string[]; tokenDigest: string; invitedBy: string;
  createdAt: Date; expiresAt: Date; acceptedAt: Date | null; acceptedBy: string | null; revokedAt: Date | null;
}

const schema = new Schema<Doc>({
  _id: stringId,
  organizationId: { type: String, required: true },
  email: { type: String, required: true },
  roles: { type: [String], default: [] },
  tokenDigest: { type: String, required: true },
  invitedBy: { type: String, required: true },
  createdAt: { type: Date, required: true },
  expiresAt: { type: Date, required: true },
  acceptedAt: { type: Date, default: null },
  acceptedBy: { type: String, default: null },
  revokedAt: { type: Date, default: null },
}, SCHEMA_OPTIONS);
schema.index({ tokenDigest: 1 }, { unique: true });
schema.index({ organizationId: 1, _id: -1 });

const fromDoc = (d: Doc): Invitation => ({
  id: d._id, organizationId: d.organizationId, email: d.email, roles: [...(d.roles ?? [])], tokenDigest: d.tokenDigest,
  invitedBy: d.invitedBy, createdAt: d.createdAt, expiresAt: d.expiresAt, acceptedAt: d.acceptedAt ?? null,
  acceptedBy: d.acceptedBy ?? null, revokedAt: d.revokedAt ?? null,
});

const PENDING = { acceptedAt: null, revokedAt: null };

/** Invitations in MongoDB (`invitations`); accepting and revoking are conditional single-document updates; a creation's events share its transaction. */
export class MongoInvitations implements InvitationStore {
  readonly model: Model<Doc>;

  constructor(private readonly conn: Connection, private readonly events: Pick<MongoEvents, 'writeInSession'>) {
    this.model = conn.model<Doc>('Invitation', schema, 'invitations');
  }

  async create(invitation: Invitation, events?: readonly EventRecord[]): Promise<void> {
    const { id, ...rest } = invitation;
    try {
      if (!events?.length) {
        await this.model.create({ _id: id, ...rest });
        return;
      }
      await inTransaction(this.conn, async (session) => {
        await this.model.create([{ _id: id, ...rest }], { session });
        await this.events.writeInSession(events, session);
      });
    } catch (err) {
      rethrowDuplicate(err, { tokenDigest: 'token_digest', _id: 'id' });
    }
  }

  async findById(organizationId: string, id: string): Promise<Invitation | null> {
    const doc = await this.model.findOne({ _id: id, organizationId }).lean<Doc | null>();
    return doc ? fromDoc(doc) : null;
  }

  async findByTokenDigest(tokenDigest: string): Promise<Invitation | null> {
    const doc = await this.model.findOne({ tokenDigest }).lean<Doc | null>();
    return doc ? fromDoc(doc) : null;
  }

  async list(organizationId: string, page: PageRequest): Promise<Page<Invitation>> {
    return pageOf(this.model, { organizationId }, page, fromDoc, (i) => i.id);
  }

  async accept(id: string, userId: string, at: Date): Promise<boolean> {
    const result = await this.model.updateOne({ _id: id, ...PENDING, expiresAt: { $gt: at } }, { $set: { acceptedAt: at, acceptedBy: userId } });
    return result.modifiedCount === 1;
  }

  async revoke(id: string, at: Date): Promise<boolean> {
    const result = await this.model.updateOne({ _id: id, ...PENDING }, { $set: { revokedAt: at } });
    return result.modifiedCount === 1;
  }
}
