import { createHash, randomBytes } from 'node:crypto';

/** A cookie-keeping fetch that never follows redirects (enough for the login and consent pages). */
class Browser {
  private readonly jar = new Map<string, string>();

  cookieHeader(): string {
    return [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  async go(url: string, form?: Record<string, string>): Promise<Response> {
    const headers: Record<string, string> = { cookie: this.cookieHeader() };
    if (form) headers['content-type'] = 'application/x-www-form-urlencoded';
    const res = await fetch(url, { method: form ? 'POST' : 'GET', headers, body: form && new URLSearchParams(form).toString(), redirect: 'manual' });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair.indexOf('=');
      const value = pair.slice(eq + 1);
      if (value) this.jar.set(pair.slice(0, eq), value);
      else this.jar.delete(pair.slice(0, eq));
    }
    return res;
  }
}

const b64url = (b: Buffer) => b.toString('base64url');

function formOf(page: string): { action: string; csrf: string } {
  const action = /<form method="post" action="([^"]+)"/.exec(page)?.[1];
  const csrf = /name="csrf" value="([^"]+)"/.exec(page)?.[1];
  if (!action || !csrf) throw new Error(`no form on page: ${page.slice(0, 300)}`);
  return { action, csrf };
}

interface WebClient { id: string; secret: string; redirectUri: string }

function authorizationUrl(issuer: string, client: WebClient, challenge: string): string {
  const params = new URLSearchParams({
    client_id: client.id, redirect_uri: client.redirectUri, response_type: 'code', scope: 'openid offline_access',
    state: b64url(randomBytes(8)), code_challenge: challenge, code_challenge_method: 'S256', prompt: 'consent',
  });
  return `${issuer}/auth?${params}`;
}

/** Opens an authorization request and stops at the login page: the form's URL, csrf and cookies. */
export async function openLoginPage(issuer: string, client: WebClient): Promise<{ action: string; csrf: string; cookie: string }> {
  const browser = new Browser();
  let res = await browser.go(authorizationUrl(issuer, client, b64url(createHash('sha256').update('x'.repeat(43)).digest())));
  while (res.status >= 300 && res.status < 400) res = await browser.go(new URL(res.headers.get('location')!, issuer).href);
  const { action, csrf } = formOf(await res.text());
  return { action: new URL(action, issuer).href, csrf, cookie: browser.cookieHeader() };
}

/** A full authorization-code + PKCE flow (login, consent, code exchange): the refresh token. */
export async function refreshTokenFor(issuer: string, client: WebClient, user: { email: string; password: string }): Promise<string> {
  const browser = new Browser();
  const verifier = b64url(randomBytes(32));
  let res = await browser.go(authorizationUrl(issuer, client, b64url(createHash('sha256').update(verifier).digest())));
  for (let hops = 0; hops < 20; hops++) {
    if (res.status >= 300 && res.status < 400) {
      const location = new URL(res.headers.get('location')!, issuer);
      if (location.href.startsWith(client.redirectUri)) {
        const code = location.searchParams.get('code');
        if (!code) throw new Error(`authorization failed: ${location.search}`);
        const token = await fetch(`${issuer}/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basicAuth(client.id, client.secret) },
          body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: client.redirectUri, code_verifier: verifier }),
        });
        const body = (await token.json()) as { refresh_token?: string };
        if (!body.refresh_token) throw new Error(`no refresh token: ${JSON.stringify(body)}`);
        return body.refresh_token;
      }
      res = await browser.go(location.href);
      continue;
    }
    const { action, csrf } = formOf(await res.text());
    const form: Record<string, string> = action.endsWith('/login') ? { csrf, email: user.email, password: user.password } : { csrf, decision: 'allow' };
    res = await browser.go(new URL(action, issuer).href, form);
  }
  throw new Error('too many redirects');
}

/** `Authorization: Basic` for a client (RFC 6749 §2.3.1 form-encoding). */
export function basicAuth(id: string, secret: string): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
}

/** `n` client_credentials access tokens, `concurrency` requests at a time. */
export async function mintAccessTokens(issuer: string, client: { id: string; secret: string }, n: number, concurrency = 16): Promise<string[]> {
  const out: string[] = [];
  let next = 0;
  const worker = async () => {
    while (next < n) {
      next++;
      const res = await fetch(`${issuer}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basicAuth(client.id, client.secret) },
        body: 'grant_type=client_credentials&scope=users%3Aread',
      });
      const body = (await res.json()) as { access_token?: string };
      if (!body.access_token) throw new Error(`token endpoint: ${res.status} ${JSON.stringify(body)}`);
      out.push(body.access_token);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return out;
}
