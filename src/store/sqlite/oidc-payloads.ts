import type { EventRecord, OidcPayloadStore } from '../ports.js';
import type { SqliteDb } from './database.js';
import type { SqliteEvents } from './events.js';
import { toMs } from './rows.js';

interface Row { payload: string; consumed: number | null }

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/**
 * oidc-provider's models in SQLite: one table keyed by (model, id), the payload as JSON beside the
 * columns it is looked up by (grant id, uid, user code) and its expiry. Expired rows are invisible
 * at once and deleted by `sweepExpired`.
 */
export class SqliteOidcPayloads implements OidcPayloadStore {
  private readonly put;
  private readonly byId;
  private readonly byUid;
  private readonly byUserCode;
  private readonly markConsumed;
  private readonly remove;
  private readonly removeGrant;
  private readonly removeAccount;

  constructor(private readonly db: SqliteDb, private readonly events: Pick<SqliteEvents, 'writeNow'>) {
    this.put = db.prepare(`INSERT INTO oidc_payloads (model, id, payload, grant_id, uid, user_code, consumed, expires_at)
      VALUES (@model, @id, @payload, @grant_id, @uid, @user_code, @consumed, @expires_at)
      ON CONFLICT (model, id) DO UPDATE SET payload = excluded.payload, grant_id = excluded.grant_id, uid = excluded.uid,
        user_code = excluded.user_code, consumed = excluded.consumed, expires_at = excluded.expires_at`);
    const live = '(expires_at IS NULL OR expires_at > @now)';
    this.byId = db.prepare<[{ model: string; id: string; now: number }], Row>(
      `SELECT payload, consumed FROM oidc_payloads WHERE model = @model AND id = @id AND ${live}`);
    this.byUid = db.prepare<[{ model: string; uid: string; now: number }], Row>(
      `SELECT payload, consumed FROM oidc_payloads WHERE model = @model AND uid = @uid AND ${live} LIMIT 1`);
    this.byUserCode = db.prepare<[{ model: string; code: string; now: number }], Row>(
      `SELECT payload, consumed FROM oidc_payloads WHERE model = @model AND user_code = @code AND ${live} LIMIT 1`);
    // the compare-and-set: only the caller whose UPDATE finds `consumed IS NULL` changes a row
    this.markConsumed = db.prepare('UPDATE oidc_payloads SET consumed = ? WHERE model = ? AND id = ? AND consumed IS NULL');
    this.remove = db.prepare('DELETE FROM oidc_payloads WHERE model = ? AND id = ?');
    this.removeGrant = db.prepare('DELETE FROM oidc_payloads WHERE grant_id = ?');
    // the same expression as the index oidc_by_account
    this.removeAccount = db.prepare("DELETE FROM oidc_payloads WHERE json_extract(payload, '$.accountId') = ?");
  }

  async upsert(model: string, id: string, payload: Record<string, unknown>, expiresAt: Date | null): Promise<void> {
    this.put.run({
      model, id, payload: JSON.stringify(payload), grant_id: str(payload.grantId), uid: str(payload.uid),
      user_code: str(payload.userCode), consumed: typeof payload.consumed === 'number' ? payload.consumed : null,
      expires_at: toMs(expiresAt),
    });
  }

  async find(model: string, id: string): Promise<Record<string, unknown> | null> {
    return decode(this.byId.get({ model, id, now: Date.now() }));
  }

  async findByUid(model: string, uid: string): Promise<Record<string, unknown> | null> {
    return decode(this.byUid.get({ model, uid, now: Date.now() }));
  }

  async findByUserCode(model: string, userCode: string): Promise<Record<string, unknown> | null> {
    return decode(this.byUserCode.get({ model, code: userCode, now: Date.now() }));
  }

  async consume(model: string, id: string, at: number): Promise<boolean> {
    return this.markConsumed.run(at, model, id).changes === 1;
  }

  async destroy(model: string, id: string): Promise<void> {
    this.remove.run(model, id);
  }

  async revokeByGrantId(grantId: string, events?: readonly EventRecord[]): Promise<void> {
    if (!events?.length) {
      this.removeGrant.run(grantId);
      return;
    }
    this.db.transaction(() => {
      if (this.removeGrant.run(grantId).changes > 0) this.events.writeNow(events);
    }).immediate();
  }

  async revokeByAccountId(accountId: string): Promise<number> {
    return this.removeAccount.run(accountId).changes;
  }
}

function decode(row: Row | undefined): Record<string, unknown> | null {
  if (!row) return null;
  const payload = JSON.parse(row.payload) as Record<string, unknown>;
  if (row.consumed != null) payload.consumed = row.consumed;
  return payload;
}
