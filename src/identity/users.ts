import { newId } from '../domain/ids.js';
import { problems } from '../http/problem.js';
import { UniqueViolation, type Membership, type Page, type PageRequest, type Store, type User } from '../store/ports.js';
import { pageRequest } from './paging.js';
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
}

/** A user as it may leave the service layer: never the password hash. */
export type PublicUser = Omit<User, 'passwordHash'>;

/** A membership with the member's public profile, for listings. */
export type Member = Membership & { user: PublicUser | null };

/** People who sign in with email and password, and their memberships in organizations. */
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
  /** @throws HttpProblem 400 roles, 404 organization or user, 409 `already_member` */
  addMember(organizationId: string, userId: string, roles: string[]): Promise<Membership>;
  /** @throws HttpProblem 400 roles, 404 `membership` */
  setRoles(organizationId: string, userId: string, roles: string[]): Promise<Membership>;
  /** @throws HttpProblem 404 `membership` */
  removeMember(organizationId: string, userId: string): Promise<void>;
  /** newest membership first */
  listMembers(organizationId: string, page?: Partial<PageRequest>): Promise<Page<Member>>;
}

/** Drops the password hash. */
export function publicUser({ passwordHash: _hash, ...rest }: User): PublicUser {
  return rest;
}

/** The user service `identity.users`. */
export function createUsers(store: Store, passwords: Passwords, roles: Roles): Users {
  const nameProblem = (name: unknown) => (name === undefined || name === null ? null : displayNameProblem(name));

  const addMember = async (organizationId: string, userId: string, names: unknown): Promise<Membership> => {
    if (!(await store.organizations.findById(organizationId))) throw problems.notFound('organization');
    const checked = await roles.checkAssignable(organizationId, names);
    const membership: Membership = { id: newId('mem'), organizationId, userId, roles: checked, createdAt: new Date() };
    try {
      await store.memberships.create(membership);
    } catch (err) {
      if (err instanceof UniqueViolation) throw problems.conflict('already_member', 'The user is already a member of this organization.');
      throw err;
    }
    return membership;
  };

  return {
    async create({ email, password, name, organizationId, roles: names }) {
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
        disabled: false, createdAt: now, updatedAt: now,
      };
      try {
        await store.users.create(user);
      } catch (err) {
        if (err instanceof UniqueViolation) throw problems.conflict('user_exists', `A user with email "${normalized}" already exists.`);
        throw err;
      }
      if (organizationId === undefined) return { user };
      const membership = await addMember(organizationId, user.id, checkedRoles);
      return { user, membership };
    },

    async verifyPassword(email, password) {
      const normalized = typeof email === 'string' ? normalizeEmail(email) : '';
      const user = emailProblem(normalized) ? null : await store.users.findByEmail(normalized);
      const ok = await passwords.verify(user?.passwordHash ?? DUMMY_HASH, password);
      if (!user || !ok || user.disabled) return null;
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

    async addMember(organizationId, userId, names) {
      if (!(await store.users.findById(userId))) throw problems.notFound('user');
      return addMember(organizationId, userId, names);
    },

    async setRoles(organizationId, userId, names) {
      if (!(await store.memberships.find(organizationId, userId))) throw problems.notFound('membership');
      const checked = await roles.checkAssignable(organizationId, names);
      const membership = await store.memberships.setRoles(organizationId, userId, checked);
      if (!membership) throw problems.notFound('membership');
      return membership;
    },

    async removeMember(organizationId, userId) {
      if (!(await store.memberships.delete(organizationId, userId))) throw problems.notFound('membership');
    },

    async listMembers(organizationId, page) {
      const memberships = await store.memberships.listByOrganization(organizationId, pageRequest(page));
      const items = await Promise.all(memberships.items.map(async (m) => {
        const user = await store.users.findById(m.userId);
        return { ...m, user: user ? publicUser(user) : null };
      }));
      return { items, nextCursor: memberships.nextCursor };
    },
  };
}
