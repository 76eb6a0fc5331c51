import { PASSWORD } from './fixture.js';

/** A tiny cookie jar over fetch, following redirects by hand (so every Set-Cookie is seen). */
export class Browserless {
  readonly cookies = new Map<string, string>();
  readonly setCookies: string[] = [];
  /** every redirect target followed, in order */
  readonly visited: string[] = [];

  constructor(readonly base: string) {}

  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  async request(url: string, init: { method?: string; form?: Record<string, string | string[]>; headers?: Record<string, string> } = {}): Promise<Response> {
    const headers: Record<string, string> = { cookie: this.header(), ...init.headers };
    let body: string | undefined;
    if (init.form) {
      const params = new URLSearchParams();
      for (const [k, v] of Object.entries(init.form)) for (const one of [v].flat()) params.append(k, one);
      body = params.toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
    }
    const res = await fetch(new URL(url, this.base), { method: init.method ?? (body ? 'POST' : 'GET'), headers, body, redirect: 'manual' });
    for (const line of res.headers.getSetCookie()) {
      this.setCookies.push(line);
      const [pair] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      if (/max-age=0/i.test(line) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return res;
  }

  /** Follows redirects from a response; the final response. */
  async follow(res: Response): Promise<Response> {
    let current = res;
    for (let i = 0; i < 15 && current.status >= 300 && current.status < 400; i++) {
      const location = current.headers.get('location')!;
      this.visited.push(location);
      current = await this.request(location);
    }
    return current;
  }

  async get(url: string): Promise<Response> {
    return this.follow(await this.request(url));
  }

  /**
   * Signs in to the console through the real login page: for `organization` (slug or id), or
   * naming none and then choosing `pick` (an organization id) on Gatehouse's picker.
   */
  async signIn(organization: string | null, email: string, pick?: string): Promise<Response> {
    const login = await this.get(organization ? `/console/sign-in?organization=${organization}` : '/console/sign-in');
    const { action, csrf } = formOf(await login.text());
    const signedIn = await this.follow(await this.request(action, { form: { csrf, email, password: PASSWORD } }));
    if (!pick) return signedIn;
    const picker = formOf(await signedIn.text());
    return this.follow(await this.request(picker.action, { form: { csrf: picker.csrf, organization: pick } }));
  }
}

/** A browser signed in to the console for `organization` as `email`, and the page it landed on. */
export async function signedInAs(base: string, email: string, organization = 'acme'): Promise<{ client: Browserless; html: string }> {
  const client = new Browserless(base);
  const landed = await client.signIn(organization, email);
  if (landed.status !== 200) throw new Error(`the console sign-in ended with ${landed.status}`);
  return { client, html: await landed.text() };
}

/** The action and CSRF token of a Gatehouse sign-in page's form. */
export function formOf(page: string): { action: string; csrf: string } {
  const action = /<form method="post" action="([^"]+)"/.exec(page)?.[1];
  const csrf = /name="csrf" value="([^"]+)"/.exec(page)?.[1];
  if (!action || !csrf) throw new Error(`no sign-in form: ${page.slice(0, 300)}`);
  return { action, csrf };
}

/** The console CSRF token in a page. */
export const csrfOf = (html: string): string => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
