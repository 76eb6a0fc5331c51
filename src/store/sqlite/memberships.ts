import type { EventRecord, Membership, MembershipChange, MembershipStore, Page, PageRequest } from '../ports.js';
import type { SqliteDb } from './database.js';
import type { SqliteEvents } from './events.js';
import { date, definedPatch, json, pageLimit, parse, rethrowUnique, toPage, type RowCodec } from './rows.js';

interface Row { id: string; organization_id: string; user_id: string; roles: string; disabled: number; created_at: number }

const codec: RowCodec<Row, Membership> = {
  fromRow: (r) => ({
    id: r.id, organizationId: r.organization_id, userId: r.user_id, roles: parse<string[]>(r.roles),
    disabled: r.disabled === 1, createdAt: date(r.created_at),
  }),
  toRow: (m) => ({
    id: m.id, organization_id: m.organizationId, user_id: m.userId, roles: json(m.roles), disabled: m.disabled ? 1 : 0,
    created_at: m.createdAt.getTime(),
  }),
};

/** An enabled member holding the built-in `admin` role: what an organization must keep one of. */
const isEnabledAdmin = (m: Membership) => !m.disabled && m.roles.includes('admin');

/** Whether the membership still has the roles the caller checked (no expectation: always). */
const sameRoles = (m: Membership, expected?: readonly string[]) =>
  !expected || JSON.stringify(m.roles) === JSON.stringify(expected);

/** Memberships (user ↔ organization, with role names) in SQLite; a join or a removal with events writes them in its transaction. */
export class SqliteMemberships implements MembershipStore {
  private readonly insert;
  private readonly byPair;
  private readonly page;
  private readonly byUser;
  private readonly write;
  private readonly remove;
  private readonly otherAdmins;

  constructor(private readonly db: SqliteDb, private readonly events: Pick<SqliteEvents, 'writeNow'>) {
    this.insert = db.prepare(`INSERT INTO memberships (id, organization_id, user_id, roles, disabled, created_at)
      VALUES (@id, @organization_id, @user_id, @roles, @disabled, @created_at)`);
    this.byPair = db.prepare<[string, string], Row>('SELECT * FROM memberships WHERE organization_id = ? AND user_id = ?');
    this.page = db.prepare<[{ org: string; cursor: string | null; limit: number }], Row>(`SELECT * FROM memberships
      WHERE organization_id = @org AND (@cursor IS NULL OR id < @cursor) ORDER BY id DESC LIMIT @limit`);
    this.byUser = db.prepare<[string], Row>('SELECT * FROM memberships WHERE user_id = ? ORDER BY id');
    this.write = db.prepare('UPDATE memberships SET roles = @roles, disabled = @disabled WHERE id = @id');
    this.remove = db.prepare('DELETE FROM memberships WHERE organization_id = ? AND user_id = ?');
    this.otherAdmins = db.prepare<[string, string], { n: number }>(`SELECT COUNT(*) AS n FROM memberships
      WHERE organization_id = ? AND user_id != ? AND disabled = 0 AND EXISTS (SELECT 1 FROM json_each(roles) WHERE value = 'admin')`);
  }

  async create(m: Membership, events?: readonly EventRecord[]): Promise<void> {
    try {
      this.db.transaction(() => {
        this.insert.run(codec.toRow(m));
        this.events.writeNow(events);
      }).immediate();
    } catch (err) {
      rethrowUnique(err, { 'organization_id,user_id': 'membership', id: 'id' });
    }
  }

  async find(organizationId: string, userId: string): Promise<Membership | null> {
    const row = this.byPair.get(organizationId, userId);
    return row ? codec.fromRow(row) : null;
  }

  async listByOrganization(organizationId: string, page: PageRequest): Promise<Page<Membership>> {
    const limit = pageLimit(page);
    const rows = this.page.all({ org: organizationId, cursor: page.cursor ?? null, limit: limit + 1 });
    return toPage(rows, limit, codec.fromRow, (m) => m.id);
  }

  /** oldest membership first */
  async listByUser(userId: string): Promise<Membership[]> {
    return this.byUser.all(userId).map(codec.fromRow);
  }

  // both guarded changes read, count and write inside one BEGIN IMMEDIATE: other processes wait
  async update(organizationId: string, userId: string, patch: { roles?: string[]; disabled?: boolean },
    expectedRoles?: readonly string[]): Promise<MembershipChange> {
    return this.db.transaction((): MembershipChange => {
      const row = this.byPair.get(organizationId, userId);
      if (!row) return { outcome: 'not_found' };
      const current = codec.fromRow(row);
      if (!sameRoles(current, expectedRoles)) return { outcome: 'changed' };
      const next = { ...current, ...definedPatch(patch) };
      if (this.losesLastAdmin(current, next)) return { outcome: 'last_admin' };
      this.write.run(codec.toRow(next));
      return { outcome: 'updated', membership: codec.fromRow(this.byPair.get(organizationId, userId)!) };
    }).immediate();
  }

  async delete(organizationId: string, userId: string, expectedRoles?: readonly string[], events?: readonly EventRecord[]):
    Promise<'deleted' | 'not_found' | 'last_admin' | 'changed'> {
    return this.db.transaction(() => {
      const row = this.byPair.get(organizationId, userId);
      if (!row) return 'not_found' as const;
      const current = codec.fromRow(row);
      if (!sameRoles(current, expectedRoles)) return 'changed' as const;
      if (this.losesLastAdmin(current, null)) return 'last_admin' as const;
      this.remove.run(organizationId, userId);
      this.events.writeNow(events);
      return 'deleted' as const;
    }).immediate();
  }

  private losesLastAdmin(current: Membership, next: Membership | null): boolean {
    if (!isEnabledAdmin(current) || (next && isEnabledAdmin(next))) return false;
    return this.otherAdmins.get(current.organizationId, current.userId)!.n === 0;
  }
}
