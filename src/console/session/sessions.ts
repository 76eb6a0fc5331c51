import { createHmac, randomBytes } from 'node:crypto';
import type { Secrets } from '../../domain/secrets.js';
import type { ConsoleSessionRecord, ConsoleSessionStore } from '../../store/ports.js';
import { CONSOLE_TIMES } from '../settings.js';

/** What the console holds for one organization the person signed in to. */
export interface OrgAccess {
  orgId: string;
  slug: string;
  name: string;
  accessToken: string;
  refreshToken: string | null;
  /** ms epoch */
  accessExpiresAt: number;
  /** the permissions the access token carries */
  permissions: string[];
  /** ms epoch until which one request holds the right to refresh */
  refreshingUntil?: number;
}

/** Everything a console session keeps; sealed as a whole in the store, never sent to the browser. */
export interface SessionData {
  userId: string;
  email: string;
  /** the CSRF token of this session's forms */
  csrf: string;
  /** ms epoch */
  createdAt: number;
  /** ms epoch */
  touchedAt: number;
  orgs: OrgAccess[];
}

/** A session as a request holds it: its store id, version and opened data. */
export interface LoadedSession {
  id: string;
  version: number;
  data: SessionData;
}

/** The additional data a console session's data is sealed with. */
export const sealContext = (id: string) => `console-session:${id}`;

/**
 * Console sessions over the store port: the cookie carries 256 random bits, the store a keyed
 * digest of them (a database reader cannot replay a session) and the data sealed with
 * GATEHOUSE_SECRET. Every change is a compare-and-set on the version, retried on the latest
 * record, so concurrent requests of one session never lose each other's changes.
 */
export class ConsoleSessions {
  constructor(private readonly store: ConsoleSessionStore, private readonly secrets: Secrets) {}

  /** The session's id under each configured secret, current first (sessions begun before a rotation keep theirs). */
  private storeIds(cookieValue: string): string[] {
    return this.secrets.keys('console-session').map((key) => createHmac('sha256', key).update(cookieValue).digest('base64url'));
  }

  private expiry(data: SessionData, now: number): Date {
    return new Date(Math.min(data.createdAt + CONSOLE_TIMES.absoluteSeconds * 1000, now + CONSOLE_TIMES.idleSeconds * 1000));
  }

  private open(record: ConsoleSessionRecord): LoadedSession | null {
    try {
      return { id: record.id, version: record.version, data: JSON.parse(this.secrets.unseal(record.sealed, sealContext(record.id))) as SessionData };
    } catch {
      return null;
    }
  }

  /** A new session (a fresh cookie value, never one the browser sent). */
  async create(data: Omit<SessionData, 'csrf' | 'createdAt' | 'touchedAt'>): Promise<{ cookie: string; session: LoadedSession }> {
    const cookie = randomBytes(32).toString('base64url');
    const [id] = this.storeIds(cookie);
    const now = Date.now();
    const full: SessionData = { ...data, csrf: randomBytes(32).toString('base64url'), createdAt: now, touchedAt: now };
    await this.store.create({ id, sealed: this.secrets.seal(JSON.stringify(full), sealContext(id)), version: 1, createdAt: new Date(now), expiresAt: this.expiry(full, now) });
    return { cookie, session: { id, version: 1, data: full } };
  }

  /** The session a cookie names; null when unknown, expired or not readable with this secret. */
  async load(cookie: string | undefined): Promise<LoadedSession | null> {
    if (!cookie || cookie.length > 100) return null;
    for (const id of this.storeIds(cookie)) {
      const session = await this.reload(id);
      if (session) return session;
    }
    return null;
  }

  async reload(id: string): Promise<LoadedSession | null> {
    const record = await this.store.find(id);
    return record ? this.open(record) : null;
  }

  /** One compare-and-set from the session's version; null when another change came first. */
  async tryChange(session: LoadedSession, change: (data: SessionData) => SessionData): Promise<LoadedSession | null> {
    const data = change(structuredClone(session.data));
    const record = await this.store.update(session.id, session.version, {
      sealed: this.secrets.seal(JSON.stringify(data), sealContext(session.id)), expiresAt: this.expiry(data, Date.now()),
    });
    return record ? { id: session.id, version: record.version, data } : null;
  }

  /** Applies `change` to the latest data until it lands; null when the session is gone. */
  async change(session: LoadedSession, change: (data: SessionData) => SessionData): Promise<LoadedSession | null> {
    let current: LoadedSession | null = session;
    for (let attempt = 0; current && attempt < 20; attempt++) {
      const changed = await this.tryChange(current, change);
      if (changed) return changed;
      current = await this.reload(current.id);
    }
    return null;
  }

  /** Pushes the idle deadline back, at most once per `touchEverySeconds` (a lost race is fine). */
  async touch(session: LoadedSession): Promise<LoadedSession> {
    const now = Date.now();
    if (now - session.data.touchedAt < CONSOLE_TIMES.touchEverySeconds * 1000) return session;
    return (await this.tryChange(session, (d) => ({ ...d, touchedAt: now }))) ?? session;
  }

  async destroy(id: string): Promise<void> {
    await this.store.delete(id);
  }
}
