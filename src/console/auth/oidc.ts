import { createHash, randomBytes } from 'node:crypto';
import { decodeJwt } from 'jose';
import { MANAGEMENT_PERMISSIONS, isPermission } from '../../domain/permissions.js';
import { ORGANIZATION_PARAM } from '../../oauth/acting-organization.js';
import { consoleRedirects, type FirstPartyClients } from '../../oauth/first-party.js';
import type { GatehouseCalls } from '../api/calls.js';
import type { Origin } from '../api/dispatch.js';

/**
 * What the console asks for: identity and every management permission; the first-party client
 * widens it to the acting organization's whole vocabulary once the organization is known
 * (src/oauth/first-party.ts), and the token gets those the person holds. First-party clients get
 * refresh tokens without `offline_access`.
 */
export const CONSOLE_SCOPE = ['openid', 'email', 'profile', ...MANAGEMENT_PERMISSIONS].join(' ');

/** Tokens from the token endpoint, with what the console reads from the access token. */
export interface TokenSet {
  accessToken: string;
  refreshToken: string | null;
  /** ms epoch */
  accessExpiresAt: number;
  userId: string;
  orgId: string;
  permissions: string[];
}

export type TokenOutcome = { ok: true; tokens: TokenSet } | { ok: false; error: string };

const random = () => randomBytes(32).toString('base64url');

/** A PKCE verifier (kept server-side) and its S256 challenge. */
export function pkce(): { verifier: string; challenge: string } {
  const verifier = random();
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/**
 * The console as an OAuth client of its own server (authorization code + PKCE, one confidential
 * multi-organization first-party client): the authorization URL, and the token, revocation and
 * userinfo calls, all made in process through the public endpoints.
 */
export class ConsoleOidcClient {
  private readonly client: { id: string; secret: string };

  constructor(private readonly issuer: string, private readonly calls: GatehouseCalls, firstParty: FirstPartyClients) {
    this.client = { id: firstParty.client.clientId, secret: firstParty.secret };
  }

  get clientId(): string {
    return this.client.id;
  }

  /**
   * The authorization request for a sign-in, to `organization` (id or slug) when given, else to
   * the person's only organization or the one they pick on Gatehouse's page; state and nonce are fresh.
   */
  authorization(organization: string | null, challenge: string): { url: string; state: string; nonce: string } {
    const state = random();
    const nonce = random();
    const params = new URLSearchParams({
      client_id: this.client.id, response_type: 'code', redirect_uri: consoleRedirects(this.issuer).callback, scope: CONSOLE_SCOPE,
      state, nonce, code_challenge: challenge, code_challenge_method: 'S256',
      ...(organization ? { [ORGANIZATION_PARAM]: organization } : {}),
    });
    return { url: `${this.issuer}/auth?${params}`, state, nonce };
  }

  /** Redeems the code; checks the ID token's nonce and audience. */
  async redeem(origin: Origin, code: string, verifier: string, nonce: string): Promise<TokenOutcome> {
    const clientId = this.client.id;
    const answer = await this.calls.clientForm(origin, '/token', this.client, {
      grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: consoleRedirects(this.issuer).callback,
    });
    const outcome = this.tokens(answer.status, answer.body);
    if (!outcome.ok) return outcome;
    const idToken = typeof answer.body.id_token === 'string' ? decodeJwt(answer.body.id_token) : null;
    const audience = idToken ? [idToken.aud].flat() : [];
    if (!idToken || idToken.nonce !== nonce || idToken.iss !== this.issuer || !audience.includes(clientId) || idToken.sub !== outcome.tokens.userId)
      return { ok: false, error: 'invalid_id_token' };
    return outcome;
  }

  async refresh(origin: Origin, refreshToken: string): Promise<TokenOutcome> {
    const answer = await this.calls.clientForm(origin, '/token', this.client, { grant_type: 'refresh_token', refresh_token: refreshToken });
    return this.tokens(answer.status, answer.body);
  }

  /** Revokes a refresh token, which ends its whole grant (oidc-provider's revocation policy). */
  async revoke(origin: Origin, refreshToken: string): Promise<boolean> {
    const answer = await this.calls.clientForm(origin, '/token/revocation', this.client, { token: refreshToken, token_type_hint: 'refresh_token' });
    return answer.status === 200;
  }

  /** The person's email, from userinfo. */
  async email(origin: Origin, accessToken: string): Promise<string | null> {
    const answer = await this.calls.json<{ email?: string }>(origin, 'GET', '/me', accessToken);
    return answer.status === 200 && typeof answer.body?.email === 'string' ? answer.body.email : null;
  }

  private tokens(status: number, body: Record<string, unknown>): TokenOutcome {
    if (status !== 200 || typeof body?.access_token !== 'string') return { ok: false, error: typeof body?.error === 'string' ? body.error : `status_${status}` };
    const claims = decodeJwt(body.access_token);
    if (typeof claims.sub !== 'string' || typeof claims.org !== 'string') return { ok: false, error: 'unexpected_token' };
    const expiresIn = typeof body.expires_in === 'number' ? body.expires_in : 0;
    return {
      ok: true,
      tokens: {
        accessToken: body.access_token, refreshToken: typeof body.refresh_token === 'string' ? body.refresh_token : null,
        accessExpiresAt: Date.now() + expiresIn * 1000, userId: claims.sub, orgId: claims.org,
        permissions: String(claims.scope ?? '').split(' ').filter(isPermission),
      },
    };
  }
}
