import { randomBytes } from 'node:crypto';
import type { Context } from 'koa';
import { Secrets } from '../../../src/domain/secrets.js';
import { FederatedSignInState, SIGN_IN_TTL_SECONDS } from '../../../src/sso/sign-in-state.js';

/** A Koa context's cookies, as a browser would keep one jar for them. */
function browser(secure = true) {
  const jar = new Map<string, { value: string; options: Record<string, unknown> }>();
  const ctx = {
    secure,
    cookies: {
      get: (name: string) => jar.get(name)?.value,
      set: (name: string, value: string, options: Record<string, unknown>) => { jar.set(name, { value, options }); },
    },
  } as unknown as Context;
  return { ctx, jar };
}

const secrets = new Secrets(randomBytes(32).toString('base64url'));
const start = { uid: 'uid-1', organizationId: 'org_1', issuer: 'https://idp.example.com', clientId: 'c' };

describe('the pending sign-in cookie', () => {
  it('is sealed, HttpOnly, SameSite=Lax, Secure over TLS, ten minutes, and holds fresh checks each time', () => {
    const { ctx, jar } = browser();
    const state = new FederatedSignInState(secrets);
    const a = state.begin(ctx, start);
    const cookie = jar.get('gh_sso')!;
    expect(cookie.options).toMatchObject({ httpOnly: true, sameSite: 'lax', secure: true, path: '/', maxAge: SIGN_IN_TTL_SECONDS * 1000 });
    for (const value of [a.state, a.nonce, a.codeVerifier]) expect(cookie.value).not.toContain(value);
    const b = state.begin(browser().ctx, start);
    expect(new Set([a.state, b.state, a.nonce, b.nonce, a.codeVerifier, b.codeVerifier]).size).toBe(6);
  });

  it('is taken once, by its own interaction only', () => {
    const { ctx } = browser();
    const state = new FederatedSignInState(secrets);
    const pending = state.begin(ctx, start);
    expect(state.take(ctx, 'uid-2')).toBeNull();
    // taking clears it, whoever asked
    expect(state.take(ctx, 'uid-1')).toBeNull();
    state.begin(ctx, start);
    expect(state.take(ctx, 'uid-1')).toMatchObject({ ...start, issuer: pending.issuer });
    expect(state.take(ctx, 'uid-1')).toBeNull();
  });

  it('reads as nothing once expired, altered, or sealed with another secret', () => {
    let now = Date.now();
    const { ctx, jar } = browser();
    const state = new FederatedSignInState(secrets, () => now);
    state.begin(ctx, start);
    expect(state.peek(ctx)).not.toBeNull();
    now += (SIGN_IN_TTL_SECONDS + 1) * 1000;
    expect(state.peek(ctx)).toBeNull();
    now = Date.now();
    state.begin(ctx, start);
    const sealed = jar.get('gh_sso')!.value;
    jar.set('gh_sso', { value: `${sealed.slice(0, -2)}AA`, options: {} });
    expect(state.peek(ctx)).toBeNull();
    new FederatedSignInState(new Secrets(randomBytes(32).toString('base64url'))).begin(ctx, start);
    expect(state.peek(ctx)).toBeNull();
  });
});
