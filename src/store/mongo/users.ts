import { Schema, type Connection, type Model } from 'mongoose';
import type { User, UserStore } from '../ports.js';
import { SCHEMA_OPTIONS, rethrowDuplicate, setOf, stringId } from './support.js';

interface Doc {
  _id: string; email: string; name: string | null; passwordHash: string; disabled: boolean; emailVerified?: boolean;
  createdAt: Date; updatedAt: Date;
}

const schema = new Schema<Doc>({
  _id: stringId,
  email: { type: String },
  name: { type: String, default: null },
  passwordHash: { type: String },
  disabled: { type: Boolean, required: true },
  emailVerified: { type: Boolean, required: true },
  createdAt: { type: Date, required: true },
  updatedAt: { type: Date, required: true },
}, SCHEMA_OPTIONS);
schema.index({ email: 1 }, { unique: true });

const fromDoc = (d: Doc): User => ({
  id: d._id, email: d.email, name: d.name ?? null, passwordHash: d.passwordHash, disabled: d.disabled,
  // people from before verification existed were made by the operator or by an invitation: verified (see migrations.ts)
  emailVerified: d.emailVerified !== false, createdAt: d.createdAt, updatedAt: d.updatedAt,
});

/** Users in MongoDB (`users`; email unique). */
export class MongoUsers implements UserStore {
  readonly model: Model<Doc>;

  constructor(conn: Connection) {
    this.model = conn.model<Doc>('User', schema, 'users');
  }

  async create(u: User): Promise<void> {
    try {
      await this.model.create({
        _id: u.id, email: u.email, name: u.name, passwordHash: u.passwordHash, disabled: u.disabled,
        emailVerified: u.emailVerified, createdAt: u.createdAt, updatedAt: u.updatedAt,
      });
    } catch (err) {
      rethrowDuplicate(err, { email: 'email', _id: 'id' });
    }
  }

  async findById(id: string): Promise<User | null> {
    const doc = await this.model.findById(id).lean<Doc | null>();
    return doc ? fromDoc(doc) : null;
  }

  async findByEmail(email: string): Promise<User | null> {
    const doc = await this.model.findOne({ email }).lean<Doc | null>();
    return doc ? fromDoc(doc) : null;
  }

  async update(id: string, patch: Partial<Pick<User, 'name' | 'passwordHash' | 'disabled' | 'emailVerified' | 'updatedAt'>>): Promise<User | null> {
    const doc = await this.model.findOneAndUpdate({ _id: id }, { $set: setOf(patch) }, { returnDocument: 'after' }).lean<Doc | null>();
    return doc ? fromDoc(doc) : null;
  }
}
