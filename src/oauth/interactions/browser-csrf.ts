import { randomBytes } from 'node:crypto';
import type { Context } from 'koa';
import { CsrfTokens } from './form.js';

const COOKIE = 'gh_csrf';
const VALUE = /^[A-Za-z0-9_-]{43}$/;

/**
 * CSRF tokens for pages that belong to no interaction and no link (sign-up, "Forgot
 * password?"): the browser gets a random cookie (HttpOnly, SameSite=Strict, so a cross-site form
 * never carries it) and the form an HMAC of it; a POST must bring both. Forms on the same pages
 * in other tabs keep working (the cookie is reused).
 */
export class BrowserCsrf {
  private readonly tokens: CsrfTokens;

  constructor(key: Buffer) {
    this.tokens = new CsrfTokens(key);
  }

  /** The form's token, setting the cookie when the browser has none. */
  issue(ctx: Context): string {
    let value = ctx.cookies.get(COOKIE);
    if (!value || !VALUE.test(value)) {
      value = randomBytes(32).toString('base64url');
      // Secure whenever the request came over TLS (set it behind a proxy with GATEHOUSE_TRUST_PROXY)
      ctx.cookies.set(COOKIE, value, { httpOnly: true, sameSite: 'strict', secure: ctx.secure, path: '/', overwrite: true, signed: false });
    }
    return this.tokens.issue(value);
  }

  check(ctx: Context, token: unknown): boolean {
    const value = ctx.cookies.get(COOKIE);
    return !!value && VALUE.test(value) && this.tokens.check(value, token);
  }
}
