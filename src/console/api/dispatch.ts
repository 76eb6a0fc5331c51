import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable, Writable } from 'node:stream';

/** A Node request listener: what `app.callback()` returns. */
export type RequestListener = (req: IncomingMessage, res: ServerResponse) => unknown;

/** Where the person's own request came from, so the API sees (and audits) the same address. */
export interface Origin {
  remoteAddress: string | undefined;
  encrypted: boolean;
  /** the incoming `X-Forwarded-For` (honoured by the app only as far as `GATEHOUSE_TRUST_PROXY` says) */
  forwardedFor?: string;
  forwardedProto?: string;
}

export interface DispatchRequest {
  method: string;
  /** path and query, e.g. `/v1/organizations/acme/api-keys?limit=20` */
  url: string;
  headers: Record<string, string>;
  body?: string;
  origin: Origin;
}

export interface DispatchResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** The request side: a readable stream of the body with the fields Koa and raw-body read. */
class DispatchedRequest extends Readable {
  readonly httpVersion = '1.1';
  readonly httpVersionMajor = 1;
  readonly httpVersionMinor = 1;
  readonly complete = true;
  constructor(readonly method: string, readonly url: string, readonly headers: Record<string, string>,
    private body: Buffer | null, readonly socket: { remoteAddress?: string; encrypted: boolean; readable: boolean; writable: boolean }) {
    super();
  }

  override _read(): void {
    if (this.body?.length) this.push(this.body);
    this.body = null;
    this.push(null);
  }
}

/** The response side: collects status, headers and body written by a Koa app. */
class CapturedResponse extends Writable {
  statusCode = 200;
  statusMessage = '';
  readonly socket = null;
  private readonly headerMap = new Map<string, number | string | string[]>();
  private readonly chunks: Buffer[] = [];
  private sent = false;

  get headersSent(): boolean { return this.sent; }
  get finished(): boolean { return this.writableEnded; }
  setHeader(name: string, value: number | string | string[]): this { this.headerMap.set(name.toLowerCase(), value); return this; }
  getHeader(name: string) { return this.headerMap.get(name.toLowerCase()); }
  getHeaders() { return Object.fromEntries(this.headerMap); }
  getHeaderNames() { return [...this.headerMap.keys()]; }
  hasHeader(name: string) { return this.headerMap.has(name.toLowerCase()); }
  removeHeader(name: string) { this.headerMap.delete(name.toLowerCase()); }
  flushHeaders() { this.sent = true; }
  writeHead(status: number, headers?: Record<string, string>) {
    this.statusCode = status;
    for (const [k, v] of Object.entries(headers ?? {})) this.setHeader(k, v);
    this.sent = true;
    return this;
  }

  override _write(chunk: Buffer | string, _encoding: BufferEncoding, done: (err?: Error) => void): void {
    this.sent = true;
    this.chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
    done();
  }

  result(): DispatchResponse {
    const headers: Record<string, string> = {};
    for (const [k, v] of this.headerMap) headers[k] = Array.isArray(v) ? v.join(', ') : String(v);
    return { status: this.statusCode, headers, body: Buffer.concat(this.chunks).toString('utf8') };
  }
}

/**
 * Sends one request through the app's own request listener, in process: the console reaches the
 * management API and the token endpoint exactly as an outside client would (same middleware,
 * authentication, limits and audit), without a network hop. The person's address travels along.
 */
export function dispatch(listener: RequestListener, request: DispatchRequest): Promise<DispatchResponse> {
  const body = request.body === undefined ? null : Buffer.from(request.body);
  const headers = lowerCased(request.headers);
  if (body) headers['content-length'] = String(body.length);
  if (request.origin.forwardedFor) headers['x-forwarded-for'] = request.origin.forwardedFor;
  if (request.origin.forwardedProto) headers['x-forwarded-proto'] = request.origin.forwardedProto;
  const req = new DispatchedRequest(request.method, request.url, headers, body, {
    remoteAddress: request.origin.remoteAddress, encrypted: request.origin.encrypted, readable: true, writable: true,
  });
  const res = new CapturedResponse();
  return new Promise((resolve, reject) => {
    res.on('finish', () => resolve(res.result()));
    res.on('error', reject);
    try {
      listener(req as unknown as IncomingMessage, res as unknown as ServerResponse);
    } catch (err) {
      reject(err);
    }
  });
}

function lowerCased(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}
