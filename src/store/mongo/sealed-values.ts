import type { Connection } from 'mongoose';
import type { DigestKind, SealedKind, SealedValue, SealedValueStore } from '../ports.js';

/** The collection and field of each sealed kind (names from this table only, never from input). */
const SEALED: Record<SealedKind, { collection: string; field: string }> = {
  client_secret: { collection: 'clients', field: 'sealedSecret' },
  client_previous_secret: { collection: 'clients', field: 'previousSealedSecret' },
  signing_key: { collection: 'signing_keys', field: 'sealedPrivateJwk' },
  webhook_secret: { collection: 'webhook_endpoints', field: 'sealedSecret' },
  webhook_previous_secret: { collection: 'webhook_endpoints', field: 'previousSealedSecret' },
  totp_secret: { collection: 'mfa_factors', field: 'sealedSecret' },
  mail: { collection: 'mail_outbox', field: 'sealed' },
  console_session: { collection: 'console_sessions', field: 'sealed' },
  sso_client_secret: { collection: 'sso_connections', field: 'sealedClientSecret' },
};

/** `<fingerprint>` of a `<fingerprint>.<hmac>` digest at `path`, '' for a bare one. */
const fingerprintOf = (path: string) => {
  const dot = { $indexOfCP: [path, '.'] };
  return { $cond: [{ $gt: [dot, 0] }, { $substrCP: [path, 0, dot] }, ''] };
};

const live = (now: Date) => ({ revokedAt: null, $or: [{ expiresAt: null }, { expiresAt: { $gt: now } }] });

/** The aggregation pipeline counting the digests in use of each kind by fingerprint. */
const DIGESTS: Record<DigestKind, (now: Date) => { collection: string; pipeline: object[] }> = {
  api_key: (now) => ({ collection: 'api_keys', pipeline: [{ $match: live(now) }, { $group: { _id: fingerprintOf('$digest'), n: { $sum: 1 } } }] }),
  scim_token: (now) => ({ collection: 'scim_tokens', pipeline: [{ $match: live(now) }, { $group: { _id: fingerprintOf('$digest'), n: { $sum: 1 } } }] }),
  recovery_code: () => ({
    collection: 'recovery_codes',
    pipeline: [{ $unwind: '$codes' }, { $match: { 'codes.usedAt': null } }, { $group: { _id: fingerprintOf('$codes.digest'), n: { $sum: 1 } } }],
  }),
};

/** Sealed values and digest counts in MongoDB; a replacement is one conditional `updateOne`. */
export class MongoSealedValues implements SealedValueStore {
  constructor(private readonly conn: Connection) {}

  async page(kind: SealedKind, after: string | null, limit: number): Promise<SealedValue[]> {
    const { collection, field } = SEALED[kind];
    const filter: Record<string, unknown> = { [field]: { $type: 'string', $ne: '' } };
    if (after !== null) filter._id = { $gt: after };
    const docs = await this.conn.collection(collection).find(filter, { projection: { [field]: 1 } }).sort({ _id: 1 }).limit(limit).toArray();
    return docs.map((d) => ({ id: String(d._id), sealed: String(d[field]) }));
  }

  async replace(kind: SealedKind, id: string, expected: string, next: string): Promise<boolean> {
    const { collection, field } = SEALED[kind];
    const result = await this.conn.collection(collection).updateOne({ _id: id, [field]: expected } as never, { $set: { [field]: next } });
    return result.modifiedCount === 1;
  }

  async countDigests(kind: DigestKind, now: Date): Promise<Record<string, number>> {
    const { collection, pipeline } = DIGESTS[kind](now);
    const groups = await this.conn.collection(collection).aggregate<{ _id: string; n: number }>(pipeline).toArray();
    return Object.fromEntries(groups.map((g) => [g._id, g.n]));
  }
}
