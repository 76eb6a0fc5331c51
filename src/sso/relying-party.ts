import { LRUCache } from 'lru-cache';
import * as oidc from 'openid-client';
import { anyAddress, isPublicAddress } from '../net/outbound.js';
import { checkedFetch } from '../oauth/public-fetch.js';
import type { SsoConnection } from '../store/ports.js';

/** What Gatehouse keeps of an identity provider's ID token. */
export interface UpstreamIdentity {
  issuer: string;
  subject: string;
  email: string | null;
  emailVerified: boolean;
  /** the display name the provider gives, when it gives one */
  name: string | null;
  /** how the provider says the person signed in (RFC 8176), when it says */
  amr: string[];
}

/** The provider could not be used: unreachable, not an OpenID provider, or an answer that does not check. */
export class IdpFailure extends Error {
  constructor(message: string, readonly code: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'IdpFailure';
  }
}

/** The provider answered the sign-in with an error (`access_denied`, …) instead of a code. */
export class IdpRefusal extends Error {
  constructor(readonly error: string) {
    super(`the identity provider answered ${error}`);
    this.name = 'IdpRefusal';
  }
}

/** The one-time values a sign-in sends to the provider and checks its answer against. */
export interface SignInChecks {
  state: string;
  nonce: string;
  codeVerifier: string;
}

export interface RelyingPartySettings {
  /** `<issuer>/sso/callback`: the redirect URI registered with every provider */
  redirectUri: string;
  /** http and private addresses (development, tests) */
  allowPrivateNetworks: boolean;
  timeoutMs: number;
  /** how long discovered metadata (and the provider's keys with it) is reused */
  cacheSeconds: number;
}

/**
 * Gatehouse as an OpenID Connect relying party (openid-client): discovery of a provider, the
 * authorization request (code, PKCE S256, state, nonce), and the code's redemption with the ID
 * token validated (signature against the provider's keys, `iss`, `aud`, `exp`, `nonce`, and the
 * RFC 9207 `iss` of the answer when the provider sends one). Every request goes through the
 * outbound policy: public addresses only unless `sso.allowPrivateNetworks`, no redirects, bounded
 * time and size. A connection's metadata is reused for `cacheSeconds`; a changed connection
 * (a new version) is discovered afresh.
 */
export class RelyingParty {
  private readonly fetch;
  private readonly cache: LRUCache<string, Promise<oidc.Configuration>>;

  constructor(private readonly settings: RelyingPartySettings) {
    this.fetch = checkedFetch(settings.allowPrivateNetworks ? anyAddress : isPublicAddress, settings.timeoutMs);
    this.cache = new LRUCache({ max: 1000, ttl: Math.max(1, settings.cacheSeconds) * 1000 });
  }

  /** Discovers the provider at `issuer` now (no cache): how a connection is checked before it is saved. @throws IdpFailure */
  async discover(issuer: string, clientId: string, clientSecret: string): Promise<oidc.Configuration> {
    let url: URL;
    try {
      url = new URL(issuer);
    } catch (cause) {
      throw new IdpFailure('the issuer is not a URL', 'invalid_issuer', { cause });
    }
    try {
      return await oidc.discovery(url, clientId, undefined, oidc.ClientSecretBasic(clientSecret), {
        [oidc.customFetch]: this.fetch as oidc.CustomFetch,
        execute: this.settings.allowPrivateNetworks ? [oidc.allowInsecureRequests] : [],
        timeout: Math.ceil(this.settings.timeoutMs / 1000),
      });
    } catch (cause) {
      throw new IdpFailure(`its OpenID Connect metadata could not be loaded (${reasonOf(cause)})`, 'discovery_failed', { cause });
    }
  }

  /** The connection's provider, discovered or reused. @throws IdpFailure */
  configuration(connection: SsoConnection, clientSecret: string): Promise<oidc.Configuration> {
    const key = `${connection.organizationId}:${connection.version}`;
    let pending = this.cache.get(key);
    if (!pending) {
      pending = this.discover(connection.issuer, connection.clientId, clientSecret);
      // a failure is not remembered: the next sign-in tries again
      pending.catch(() => this.cache.delete(key));
      this.cache.set(key, pending);
    }
    return pending;
  }

  /** Where the browser goes to sign in at the provider (`login_hint`: the email typed at Gatehouse). */
  async authorizationUrl(config: oidc.Configuration, checks: SignInChecks, loginHint: string): Promise<URL> {
    return oidc.buildAuthorizationUrl(config, {
      redirect_uri: this.settings.redirectUri, response_type: 'code', scope: 'openid email profile', state: checks.state,
      nonce: checks.nonce, code_challenge: await oidc.calculatePKCECodeChallenge(checks.codeVerifier), code_challenge_method: 'S256',
      login_hint: loginHint,
    });
  }

  /**
   * Redeems the code of the provider's answer (`query`: the callback's query string) and
   * validates its ID token. @throws IdpRefusal when the provider answered an error, IdpFailure
   * when anything does not check
   */
  async redeem(config: oidc.Configuration, query: string, checks: SignInChecks): Promise<UpstreamIdentity> {
    const answer = new URL(this.settings.redirectUri);
    answer.search = query;
    let claims: oidc.IDToken | undefined;
    try {
      const tokens = await oidc.authorizationCodeGrant(config, answer, {
        pkceCodeVerifier: checks.codeVerifier, expectedState: checks.state, expectedNonce: checks.nonce, idTokenExpected: true,
      });
      claims = tokens.claims();
    } catch (cause) {
      if (cause instanceof oidc.AuthorizationResponseError) throw new IdpRefusal(cause.error);
      throw new IdpFailure(`the answer of the identity provider does not check (${reasonOf(cause)})`, 'invalid_answer', { cause });
    }
    if (!claims) throw new IdpFailure('the identity provider sent no ID token', 'invalid_answer');
    return {
      issuer: claims.iss, subject: claims.sub,
      email: typeof claims.email === 'string' ? claims.email : null,
      emailVerified: claims.email_verified === true,
      name: typeof claims.name === 'string' && claims.name.trim() ? claims.name.trim().slice(0, 200) : null,
      amr: Array.isArray(claims.amr) ? claims.amr.filter((m): m is string => typeof m === 'string') : [],
    };
  }
}

/** A short reason for logs and answers: the library's error code and message, and what caused it (a refused address, a timeout); never a token. */
function reasonOf(err: unknown): string {
  const e = err as { code?: string; message?: string; cause?: unknown };
  const first = (text: string) => text.split('\n')[0].slice(0, 200);
  const message = first(e?.message ?? String(err));
  const cause = e?.cause instanceof Error ? `: ${first(e.cause.message)}` : '';
  return `${e?.code ? `${e.code}: ` : ''}${message}${cause}`;
}
