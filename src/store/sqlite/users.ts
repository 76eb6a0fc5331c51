import type { User, UserStore } from '../ports.js';
import type { SqliteDb } from './database.js';
import { date, patchRow, rethrowUnique, type RowCodec } from './rows.js';

interface Row {
  id: string; email: string; name: string | null; password_hash: string; disabled: number; email_verified: number;
  created_at: number; updated_at: number;
}

const codec: RowCodec<Row, User> = {
  fromRow: (r) => ({
    id: r.id, email: r.email, name: r.name, passwordHash: r.password_hash, disabled: r.disabled === 1,
    emailVerified: r.email_verified === 1, createdAt: date(r.created_at), updatedAt: date(r.updated_at),
  }),
  toRow: (u) => ({
    id: u.id, email: u.email, name: u.name, password_hash: u.passwordHash, disabled: u.disabled ? 1 : 0,
    email_verified: u.emailVerified ? 1 : 0, created_at: u.createdAt.getTime(), updated_at: u.updatedAt.getTime(),
  }),
};

/** Users in SQLite; emails are unique per deployment (the domain lower-cases them). */
export class SqliteUsers implements UserStore {
  private readonly insert;
  private readonly byId;
  private readonly byEmail;
  private readonly write;

  constructor(private readonly db: SqliteDb) {
    this.insert = db.prepare(`INSERT INTO users (id, email, name, password_hash, disabled, email_verified, created_at, updated_at)
      VALUES (@id, @email, @name, @password_hash, @disabled, @email_verified, @created_at, @updated_at)`);
    this.byId = db.prepare<[string], Row>('SELECT * FROM users WHERE id = ?');
    this.byEmail = db.prepare<[string], Row>('SELECT * FROM users WHERE email = ?');
    this.write = db.prepare(`UPDATE users SET name = @name, password_hash = @password_hash, disabled = @disabled,
      email_verified = @email_verified, updated_at = @updated_at WHERE id = @id`);
  }

  async create(user: User): Promise<void> {
    try {
      this.insert.run(codec.toRow(user));
    } catch (err) {
      rethrowUnique(err, { email: 'email', id: 'id' });
    }
  }

  async findById(id: string): Promise<User | null> {
    const row = this.byId.get(id);
    return row ? codec.fromRow(row) : null;
  }

  async findByEmail(email: string): Promise<User | null> {
    const row = this.byEmail.get(email);
    return row ? codec.fromRow(row) : null;
  }

  async update(id: string, patch: Partial<Pick<User, 'name' | 'passwordHash' | 'disabled' | 'emailVerified' | 'updatedAt'>>): Promise<User | null> {
    return patchRow(this.db, codec, () => this.byId.get(id), (row) => this.write.run(row), patch);
  }
}
