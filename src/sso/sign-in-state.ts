import * as oidc from 'openid-client';
import type { Context } from 'koa';
import type { Secrets } from '../domain/secrets.js';
import type { SignInChecks } from './relying-party.js';

/** A sign-in on its way through an identity provider: what the answer is checked against. */
export interface PendingFederatedSignIn extends SignInChecks {
  /** the login interaction it finishes */
  uid: string;
  organizationId: string;
  /** the connection as it was when the sign-in started: a changed one does not finish it */
  issuer: string;
  clientId: string;
  /** expiry, epoch seconds */
  exp: number;
}

const COOKIE = 'gh_sso';
const CONTEXT = 'sso-sign-in';
/** How long a person may take at the identity provider. */
export const SIGN_IN_TTL_SECONDS = 600;

/**
 * The pending sign-in, kept in the browser that started it: a cookie sealed with the master
 * secret (AES-GCM: neither readable nor forgeable), HttpOnly, SameSite=Lax (a top-level
 * navigation back from the provider carries it; no cross-site request does), ten minutes, used
 * once. State, nonce and PKCE verifier never leave it but towards the provider. So an answer
 * only finishes the sign-in of the browser that asked for it (no login CSRF), and only once.
 */
export class FederatedSignInState {
  constructor(private readonly secrets: Secrets, private readonly now: () => number = () => Date.now()) {}

  /** Starts a sign-in of interaction `uid` at the organization's provider: fresh checks, stored in the cookie. */
  begin(ctx: Context, p: Pick<PendingFederatedSignIn, 'uid' | 'organizationId' | 'issuer' | 'clientId'>): PendingFederatedSignIn {
    const pending: PendingFederatedSignIn = {
      ...p, state: oidc.randomState(), nonce: oidc.randomNonce(), codeVerifier: oidc.randomPKCECodeVerifier(),
      exp: Math.floor(this.now() / 1000) + SIGN_IN_TTL_SECONDS,
    };
    ctx.cookies.set(COOKIE, this.secrets.seal(JSON.stringify(pending), CONTEXT), {
      httpOnly: true, sameSite: 'lax', secure: ctx.secure, path: '/', maxAge: SIGN_IN_TTL_SECONDS * 1000, overwrite: true, signed: false,
    });
    return pending;
  }

  /** The browser's pending sign-in, whatever its interaction (the callback learns the interaction here); null when absent, altered or expired. */
  peek(ctx: Context): PendingFederatedSignIn | null {
    const sealed = ctx.cookies.get(COOKIE);
    if (!sealed || sealed.length > 4096) return null;
    try {
      const pending = JSON.parse(this.secrets.unseal(sealed, CONTEXT)) as PendingFederatedSignIn;
      return pending.exp >= this.now() / 1000 ? pending : null;
    } catch {
      return null;
    }
  }

  /** The pending sign-in of interaction `uid`, taken out of the browser (it is good once); null when there is none. */
  take(ctx: Context, uid: string): PendingFederatedSignIn | null {
    const pending = this.peek(ctx);
    ctx.cookies.set(COOKIE, '', { httpOnly: true, sameSite: 'lax', secure: ctx.secure, path: '/', maxAge: 0, overwrite: true, signed: false });
    return pending?.uid === uid ? pending : null;
  }
}
