import type { Origin } from '../api/dispatch.js';
import type { ConsoleSessions, LoadedSession, OrgAccess, SessionData } from '../session/sessions.js';
import { CONSOLE_TIMES } from '../settings.js';
import type { ConsoleOidcClient } from './oidc.js';

export interface Fresh {
  /** the session as it stands after any refresh (null: it is gone) */
  session: LoadedSession | null;
  /** the organization's access with a token that is not about to expire; null: sign in again */
  access: OrgAccess | null;
}

const accessOf = (data: SessionData, orgId: string) => data.orgs.find((o) => o.orgId === orgId) ?? null;
const withAccess = (data: SessionData, orgId: string, change: (a: OrgAccess) => OrgAccess | null): SessionData => ({
  ...data, orgs: data.orgs.flatMap((o) => (o.orgId === orgId ? [change(o)].filter((a): a is OrgAccess => a !== null) : [o])),
});
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Keeps an organization's access token fresh, server-side. A refresh token is single-use (a
 * second use revokes the grant), so exactly one request may refresh at a time: within this
 * process requests share one refresh, and across instances the right to refresh is a lease
 * taken by compare-and-set on the session; the others wait for the new tokens.
 */
export class FreshTokens {
  private readonly inflight = new Map<string, Promise<Fresh>>();

  constructor(private readonly sessions: ConsoleSessions, private readonly oidc: ConsoleOidcClient) {}

  async get(origin: Origin, session: LoadedSession, orgId: string): Promise<Fresh> {
    const access = accessOf(session.data, orgId);
    if (!access || this.usable(access)) return { session, access };
    const key = `${session.id}:${orgId}`;
    let running = this.inflight.get(key);
    if (!running) {
      running = this.refresh(origin, session, orgId).finally(() => this.inflight.delete(key));
      this.inflight.set(key, running);
    }
    return running;
  }

  private usable(access: OrgAccess): boolean {
    return access.accessExpiresAt - CONSOLE_TIMES.refreshEarlySeconds * 1000 > Date.now();
  }

  private async refresh(origin: Origin, start: LoadedSession, orgId: string): Promise<Fresh> {
    let session: LoadedSession | null = start;
    const deadline = Date.now() + CONSOLE_TIMES.refreshLeaseMs * 2;
    while (session && Date.now() < deadline) {
      const access = accessOf(session.data, orgId);
      if (!access || this.usable(access)) return { session, access };
      if (!access.refreshToken) return { session: await this.sessions.change(session, (d) => withAccess(d, orgId, () => null)), access: null };
      if ((access.refreshingUntil ?? 0) > Date.now()) {
        await sleep(100);
        session = await this.sessions.reload(session.id);
        continue;
      }
      const leased = await this.sessions.tryChange(session, (d) =>
        withAccess(d, orgId, (a) => ({ ...a, refreshingUntil: Date.now() + CONSOLE_TIMES.refreshLeaseMs })));
      if (!leased) {
        session = await this.sessions.reload(session.id);
        continue;
      }
      const outcome = await this.oidc.refresh(origin, access.refreshToken);
      const next = outcome.ok
        ? (a: OrgAccess): OrgAccess => ({
          ...a, accessToken: outcome.tokens.accessToken, refreshToken: outcome.tokens.refreshToken ?? a.refreshToken,
          accessExpiresAt: outcome.tokens.accessExpiresAt, permissions: outcome.tokens.permissions, refreshingUntil: undefined,
        })
        : () => null;
      const updated = await this.sessions.change(leased, (d) => withAccess(d, orgId, next));
      return { session: updated, access: updated ? accessOf(updated.data, orgId) : null };
    }
    return { session, access: null };
  }
}
