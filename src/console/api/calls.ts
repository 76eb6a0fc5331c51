import { dispatch, type Origin, type RequestListener } from './dispatch.js';

/** An answer from the API: status and parsed JSON body (null when there is none). */
export interface ApiAnswer<T = Record<string, unknown>> {
  status: number;
  body: T;
  headers: Record<string, string>;
}

/** The fields of a problem+json answer the pages show. */
export interface Problem {
  status: number;
  code?: string;
  title?: string;
  detail?: string;
  errors?: Array<{ field: string; message: string }>;
}

/**
 * HTTP calls from the console to Gatehouse's own public endpoints (management API, token,
 * revocation, userinfo), dispatched in process with the person's request origin attached.
 */
export class GatehouseCalls {
  private readonly host: string;

  constructor(private readonly listener: () => RequestListener, issuer: string) {
    this.host = new URL(issuer).host;
  }

  /** A JSON call with a bearer token (the person's). */
  async json<T = Record<string, unknown>>(origin: Origin, method: string, url: string, token: string, body?: unknown): Promise<ApiAnswer<T>> {
    const headers: Record<string, string> = { host: this.host, accept: 'application/json', authorization: `Bearer ${token}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    return this.send<T>(origin, method, url, headers, body === undefined ? undefined : JSON.stringify(body));
  }

  /** A form POST authenticated as a client (`client_secret_basic`): the token and revocation endpoints. */
  async clientForm<T = Record<string, unknown>>(origin: Origin, url: string, client: { id: string; secret: string }, fields: Record<string, string>): Promise<ApiAnswer<T>> {
    const basic = Buffer.from(`${encodeURIComponent(client.id)}:${encodeURIComponent(client.secret)}`).toString('base64');
    return this.send<T>(origin, 'POST', url, {
      host: this.host, accept: 'application/json', authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded',
    }, new URLSearchParams(fields).toString());
  }

  private async send<T>(origin: Origin, method: string, url: string, headers: Record<string, string>, body?: string): Promise<ApiAnswer<T>> {
    const res = await dispatch(this.listener(), { method, url, headers, body, origin });
    let parsed: unknown = null;
    if (res.body && /json/.test(res.headers['content-type'] ?? '')) {
      try {
        parsed = JSON.parse(res.body);
      } catch {
        parsed = null;
      }
    }
    return { status: res.status, body: parsed as T, headers: res.headers };
  }
}

/** The problem an answer carries (or a generic one). */
export function problemOf(answer: ApiAnswer<unknown>): Problem {
  const b = (answer.body ?? {}) as Partial<Problem>;
  return { status: answer.status, code: b.code, title: b.title, detail: b.detail, errors: Array.isArray(b.errors) ? b.errors : undefined };
}
