import { Schema, type Connection, type Model } from 'mongoose';
import type { EventRecord, OidcPayloadStore } from '../ports.js';
import type { MongoEvents } from './events.js';
import { inTransaction } from './transactions.js';
import { retryOnOutage } from '../retry.js';
import { SCHEMA_OPTIONS, stringId } from './support.js';

interface Doc {
  _id: string; model: string; payload: Record<string, unknown>; grantId: string | null; uid: string | null;
  userCode: string | null; consumed: number | null; expiresAt: Date | null;
}

const schema = new Schema<Doc>({
  _id: stringId,
  model: { type: String },
  payload: { type: Schema.Types.Mixed, required: true },
  grantId: { type: String, default: null },
  uid: { type: String, default: null },
  userCode: { type: String, default: null },
  consumed: { type: Number, default: null },
  expiresAt: { type: Date, default: null },
}, SCHEMA_OPTIONS);
// MongoDB's TTL monitor deletes a payload once `expiresAt` has passed (within about a minute);
// reads also filter on it, so an expired payload is never returned in between.
schema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });
schema.index({ grantId: 1 });
schema.index({ model: 1, uid: 1 });
schema.index({ model: 1, userCode: 1 });
// a person's sessions, grants and tokens, ended together (password reset or change)
schema.index({ 'payload.accountId': 1 }, { sparse: true });

const key = (model: string, id: string) => `${model}/${id}`;
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const live = () => ({ $or: [{ expiresAt: null }, { expiresAt: { $gt: new Date() } }] });

/**
 * oidc-provider's models in MongoDB (`oidc_payloads`): one collection, `_id` = `<model>/<id>`, the
 * payload as a sub-document beside the fields it is looked up by. Payloads hold keys MongoDB
 * only accepts since 5.0 and only in inserts and whole-document replacements, never under `$set`:
 * URLs (a Grant's `resources`, dotted) and, in claims, keys starting with `$`. So an upsert
 * replaces the whole document, through the driver (mongoose would read `$` keys as operators).
 */
export class MongoOidcPayloads implements OidcPayloadStore {
  readonly model: Model<Doc>;

  constructor(private readonly conn: Connection, private readonly events: Pick<MongoEvents, 'writeInSession'>) {
    this.model = conn.model<Doc>('OidcPayload', schema, 'oidc_payloads');
  }

  async upsert(model: string, id: string, payload: Record<string, unknown>, expiresAt: Date | null): Promise<void> {
    // through JSON, like the SQLite adapter: undefined members vanish instead of becoming null
    const plain = JSON.parse(JSON.stringify(payload)) as Record<string, unknown>;
    await this.model.collection.replaceOne({ _id: key(model, id) } as never, {
      model, payload: plain, grantId: str(plain.grantId), uid: str(plain.uid), userCode: str(plain.userCode),
      consumed: typeof plain.consumed === 'number' ? plain.consumed : null, expiresAt,
    }, { upsert: true });
  }

  async find(model: string, id: string): Promise<Record<string, unknown> | null> {
    return decode(await this.model.findOne({ _id: key(model, id), ...live() }).lean<Doc | null>());
  }

  async findByUid(model: string, uid: string): Promise<Record<string, unknown> | null> {
    return decode(await this.model.findOne({ model, uid, ...live() }).lean<Doc | null>());
  }

  async findByUserCode(model: string, userCode: string): Promise<Record<string, unknown> | null> {
    return decode(await this.model.findOne({ model, userCode, ...live() }).lean<Doc | null>());
  }

  /** The compare-and-set: a single-document update that only matches while `consumed` is null. */
  async consume(model: string, id: string, at: number): Promise<boolean> {
    const result = await this.model.updateOne({ _id: key(model, id), consumed: null }, { $set: { consumed: at } });
    return result.modifiedCount === 1;
  }

  async destroy(model: string, id: string): Promise<void> {
    await this.model.deleteOne({ _id: key(model, id) });
  }

  /**
   * `deleteMany` is not a retryable write for the driver, and a reused refresh token must still
   * revoke its grant through a dropped connection or a step-down: deleting by grant id is
   * idempotent, so it is simply done again. With events, the deletion and the events are one
   * transaction (events only when it deleted something, so a retry whose first attempt committed
   * adds none).
   */
  async revokeByGrantId(grantId: string, events?: readonly EventRecord[]): Promise<void> {
    if (!events?.length) {
      await retryOnOutage(() => this.model.deleteMany({ grantId }));
      return;
    }
    await retryOnOutage(() => inTransaction(this.conn, async (session) => {
      if ((await this.model.deleteMany({ grantId }, { session })).deletedCount > 0) await this.events.writeInSession(events, session);
    }));
  }

  /** Idempotent like `revokeByGrantId`, and retried the same way. */
  async revokeByAccountId(accountId: string): Promise<number> {
    const result = await retryOnOutage(() => this.model.deleteMany({ 'payload.accountId': accountId }));
    return result.deletedCount;
  }
}

function decode(doc: Doc | null): Record<string, unknown> | null {
  if (!doc) return null;
  const payload = { ...(doc.payload ?? {}) };
  if (doc.consumed != null) payload.consumed = doc.consumed;
  return payload;
}
