import { newId } from '../domain/ids.js';
import { problems } from '../http/problem.js';
import { UniqueViolation, type Membership, type Store, type User } from '../store/ports.js';
import type { Members } from './members.js';
import { DUMMY_HASH, passwordProblem, type Passwords } from './passwords.js';
import type { Roles } from './roles.js';
import { Checks, displayNameProblem, emailProblem, normalizeEmail } from './validation.js';

export interface CreateUserInput {
  email: string;
  password: string;
  name?: string | null;
  /** when given, the user joins this organization */
  organizationId?: string;
  /** roles in that organization; default `["member"]` */
  roles?: string[];
  /**
   * whether the person showed they receive mail at the address; default true (the operator's
   * accounts, and invitations, whose mailed link proves it); self sign-up passes false
   */
  emailVerified?: boolean;
}

/** A user as it may leave the service layer: never the password hash. */
export type PublicUser = Omit<User, 'passwordHash'>;

/**
 * People who sign in with email and password. Accounts are made by the operator (the CLI's
 * `users create`, to bootstrap) and by people themselves (accepting an invitation); no caller of
 * the management API ever sets someone else's password.
 */
export interface Users {
  /** @throws HttpProblem 400 (email, password policy, name, roles), 404 organization, 409 `user_exists` */
  create(input: CreateUserInput): Promise<{ user: User; membership?: Membership }>;
  /**
   * The user when the password matches and the account is enabled, else null. Costs one argon2
   * verification whether or not the email exists, so timing does not tell which emails do.
   */
  verifyPassword(email: string, password: string): Promise<User | null>;
  get(id: string): Promise<User | null>;
  getByEmail(email: string): Promise<User | null>;
  /** @throws HttpProblem 400, 404 */
  update(id: string, patch: { name?: string | null; password?: string; disabled?: boolean }): Promise<User>;
}

/** Drops the password hash. */
export function publicUser({ passwordHash: _hash, ...rest }: User): PublicUser {
  return rest;
}

/** The user service `identity.users`. */
export function createUsers(store: Store, passwords: Passwords, roles: Roles, members: Pick<Members, 'add'>): Users {
  const nameProblem = (name: unknown) => (name === undefined || name === null ? null : displayNameProblem(name));

  return {
    async create({ email, password, name, organizationId, roles: names, emailVerified }) {
      const normalized = typeof email === 'string' ? normalizeEmail(email) : email;
      new Checks()
        .add('email', emailProblem(normalized))
        .add('password', passwordProblem(password))
        .add('name', nameProblem(name))
        .done();
      // everything that can fail is checked before the user exists, so a failure leaves nothing behind
      let checkedRoles: string[] | undefined;
      if (organizationId !== undefined) {
        if (!(await store.organizations.findById(organizationId))) throw problems.notFound('organization');
        checkedRoles = await roles.checkAssignable(organizationId, names ?? ['member']);
      }
      const now = new Date();
      const user: User = {
        id: newId('usr'), email: normalized, name: name?.trim() ?? null, passwordHash: await passwords.hash(password),
        disabled: false, emailVerified: emailVerified ?? true, createdAt: now, updatedAt: now,
      };
      try {
        await store.users.create(user);
      } catch (err) {
        if (err instanceof UniqueViolation) throw problems.conflict('user_exists', `A user with email "${normalized}" already exists.`);
        throw err;
      }
      if (organizationId === undefined) return { user };
      const membership = await members.add(organizationId, user.id, checkedRoles);
      return { user, membership };
    },

    async verifyPassword(email, password) {
      const normalized = typeof email === 'string' ? normalizeEmail(email) : '';
      const user = emailProblem(normalized) ? null : await store.users.findByEmail(normalized);
      // an account without a password (made by single sign-on) costs what an unknown email costs
      const ok = await passwords.verify(user?.passwordHash || DUMMY_HASH, password);
      if (!user || !ok || user.disabled || !user.passwordHash) return null;
      if (passwords.needsRehash(user.passwordHash)) {
        // parameters were raised since this hash was made: upgrade it while the password is at hand
        const passwordHash = await passwords.hash(password).catch(() => null);
        if (passwordHash) await store.users.update(user.id, { passwordHash, updatedAt: new Date() });
      }
      return user;
    },

    get: async (id) => (typeof id === 'string' && id ? store.users.findById(id) : null),
    getByEmail: async (email) => (typeof email === 'string' ? store.users.findByEmail(normalizeEmail(email)) : null),

    async update(id, patch) {
      new Checks()
        .add('name', nameProblem(patch.name))
        .add('password', patch.password === undefined ? null : passwordProblem(patch.password))
        .add('disabled', patch.disabled === undefined || typeof patch.disabled === 'boolean' ? null : 'must be true or false')
        .done();
      const clean: Partial<Pick<User, 'name' | 'passwordHash' | 'disabled' | 'updatedAt'>> = { updatedAt: new Date() };
      if (patch.name !== undefined) clean.name = patch.name?.trim() ?? null;
      if (patch.disabled !== undefined) clean.disabled = patch.disabled;
      if (patch.password !== undefined) clean.passwordHash = await passwords.hash(patch.password);
      const user = await store.users.update(id, clean);
      if (!user) throw problems.notFound('user');
      return user;
    },
  };
}
