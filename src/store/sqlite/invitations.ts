import type { EventRecord, Invitation, InvitationStore, Page, PageRequest } from '../ports.js';
import type { SqliteDb } from './database.js';
import type { SqliteEvents } from './events.js';
import { date, fromMs, json, pageLimit, parse, rethrowUnique, toMs, toPage, type RowCodec } from './rows.js';

interface Row {
  id: string; organization_id: string; email: string; roles: string; token_digest: string; invited_by: string;
  created_at: number; expires_at: number; accepted_at: number | null; accepted_by: string | null; revoked_at: number | null;
}

const codec: RowCodec<Row, Invitation> = {
  fromRow: (r) => ({
    id: r.id, organizationId: r.organization_id, email: r.email, roles: parse<string[]>(r.roles), tokenDigest: r.token_digest,
    invitedBy: r.invited_by, createdAt: date(r.created_at), expiresAt: date(r.expires_at), acceptedAt: fromMs(r.accepted_at),
    acceptedBy: r.accepted_by, revokedAt: fromMs(r.revoked_at),
  }),
  toRow: (i) => ({
    id: i.id, organization_id: i.organizationId, email: i.email, roles: json(i.roles), token_digest: i.tokenDigest,
    invited_by: i.invitedBy, created_at: i.createdAt.getTime(), expires_at: i.expiresAt.getTime(),
    accepted_at: toMs(i.acceptedAt), accepted_by: i.acceptedBy, revoked_at: toMs(i.revokedAt),
  }),
};

const PENDING = 'accepted_at IS NULL AND revoked_at IS NULL';

/** Invitations in SQLite; accepting and revoking are single conditional UPDATEs (compare-and-set); a creation's events share its transaction. */
export class SqliteInvitations implements InvitationStore {
  private readonly insert;
  private readonly byId;
  private readonly byDigest;
  private readonly page;
  private readonly markAccepted;
  private readonly markRevoked;

  constructor(private readonly db: SqliteDb, private readonly events: Pick<SqliteEvents, 'writeNow'>) {
    this.insert = db.prepare(`INSERT INTO invitations (id, organization_id, email, roles, token_digest, invited_by, created_at,
      expires_at, accepted_at, accepted_by, revoked_at) VALUES (@id, @organization_id, @email, @roles, @token_digest, @invited_by,
      @created_at, @expires_at, @accepted_at, @accepted_by, @revoked_at)`);
    this.byId = db.prepare<[string, string], Row>('SELECT * FROM invitations WHERE organization_id = ? AND id = ?');
    this.byDigest = db.prepare<[string], Row>('SELECT * FROM invitations WHERE token_digest = ?');
    this.page = db.prepare<[{ org: string; cursor: string | null; limit: number }], Row>(`SELECT * FROM invitations
      WHERE organization_id = @org AND (@cursor IS NULL OR id < @cursor) ORDER BY id DESC LIMIT @limit`);
    this.markAccepted = db.prepare(`UPDATE invitations SET accepted_at = @at, accepted_by = @user
      WHERE id = @id AND ${PENDING} AND expires_at > @at`);
    this.markRevoked = db.prepare(`UPDATE invitations SET revoked_at = @at WHERE id = @id AND ${PENDING}`);
  }

  async create(invitation: Invitation, events?: readonly EventRecord[]): Promise<void> {
    try {
      this.db.transaction(() => {
        this.insert.run(codec.toRow(invitation));
        this.events.writeNow(events);
      }).immediate();
    } catch (err) {
      rethrowUnique(err, { token_digest: 'token_digest', id: 'id' });
    }
  }

  async findById(organizationId: string, id: string): Promise<Invitation | null> {
    const row = this.byId.get(organizationId, id);
    return row ? codec.fromRow(row) : null;
  }

  async findByTokenDigest(tokenDigest: string): Promise<Invitation | null> {
    const row = this.byDigest.get(tokenDigest);
    return row ? codec.fromRow(row) : null;
  }

  async list(organizationId: string, page: PageRequest): Promise<Page<Invitation>> {
    const limit = pageLimit(page);
    const rows = this.page.all({ org: organizationId, cursor: page.cursor ?? null, limit: limit + 1 });
    return toPage(rows, limit, codec.fromRow, (i) => i.id);
  }

  async accept(id: string, userId: string, at: Date): Promise<boolean> {
    return this.markAccepted.run({ id, user: userId, at: at.getTime() }).changes === 1;
  }

  async revoke(id: string, at: Date): Promise<boolean> {
    return this.markRevoked.run({ id, at: at.getTime() }).changes === 1;
  }
}
