import type { Context } from 'koa';

/** The console's two cookies: the session, and a sign-in in flight (sealed PKCE verifier and state). */
export interface CookieNames {
  session: string;
  signIn: string;
}

/**
 * Cookie names and attributes for an issuer: over https the session cookie is `__Host-` prefixed
 * and `Secure`; both are HttpOnly and SameSite=Lax (sent when a person follows a link into the
 * console, never on another site's form posts or fetches).
 */
export class ConsoleCookies {
  readonly names: CookieNames;
  private readonly secure: boolean;

  constructor(issuer: string) {
    this.secure = new URL(issuer).protocol === 'https:';
    this.names = this.secure
      ? { session: '__Host-gh_console', signIn: '__Host-gh_console_signin' }
      : { session: 'gh_console', signIn: 'gh_console_signin' };
  }

  read(ctx: Context, name: string): string | undefined {
    const header = ctx.get('cookie');
    for (const part of header.split(';')) {
      const eq = part.indexOf('=');
      if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
    }
    return undefined;
  }

  /** Sets a cookie; `maxAgeSeconds` 0 removes it. */
  write(ctx: Context, name: string, value: string, maxAgeSeconds: number): void {
    const attributes = [`${name}=${encodeURIComponent(value)}`, 'Path=/', 'HttpOnly', 'SameSite=Lax', `Max-Age=${maxAgeSeconds}`];
    if (this.secure) attributes.push('Secure');
    ctx.append('Set-Cookie', attributes.join('; '));
  }
}
