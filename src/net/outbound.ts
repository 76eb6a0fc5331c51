import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * Requests Gatehouse makes on a customer's behalf to a URL the customer chose (a client's
 * `jwks_uri`, a webhook endpoint): the classic server-side request forgery surface. Addresses are
 * checked when the socket connects, redirects are never followed, time and response size are
 * bounded.
 */

/** Whether an address is one the public internet routes to (not loopback, private, link-local, …). */
export function isPublicAddress(address: string): boolean {
  try {
    return ipaddr.process(address).range() === 'unicast';
  } catch {
    return false;
  }
}

/** Any address: for operators who allow private networks (development, tests, an intranet). */
export const anyAddress = (_address: string): boolean => true;

/**
 * A DNS lookup that fails for names resolving to any address `allowed` refuses. It runs when the
 * socket connects, so the address checked is the address used: a name that resolves to a public
 * address once and to 127.0.0.1 the next time (DNS rebinding) gets nowhere.
 */
export const checkedLookup = (allowed: (address: string) => boolean): LookupFunction => (hostname, options, callback) => {
  dnsLookup(hostname, { ...(options as LookupOptions), all: true }, (err, addresses: LookupAddress[]) => {
    if (err) return callback(err, '', 0);
    const refused = addresses.find((a) => !allowed(a.address));
    if (refused || addresses.length === 0) return callback(new OutboundRefused(`${hostname} does not resolve to public addresses only`), '', 0);
    if ((options as LookupOptions).all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
    callback(null, addresses[0].address, addresses[0].family);
  });
};

/** Public addresses only. */
export const publicOnlyLookup = checkedLookup(isPublicAddress);

/** The request was refused before anything was sent (an address the policy does not allow). */
export class OutboundRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OutboundRefused';
  }
}

export interface OutboundRequest {
  url: URL | string;
  method: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  /** which resolved addresses may be connected to (default: public ones only) */
  allowed?: (address: string) => boolean;
  /** the whole exchange, connection to last byte read (ms) */
  timeoutMs: number;
  /** read at most this much of the body: more fails the request with `tooLarge`, or with `ignoreBody` is never read */
  maxResponseBytes: number;
  /** answer as soon as the status line and headers arrive; the body is discarded unread */
  ignoreBody?: boolean;
  signal?: AbortSignal | null;
}

export interface OutboundResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

function readBody(res: IncomingMessage, max: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    res.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) res.destroy(new Error('response too large'));
      else chunks.push(chunk);
    });
    res.on('end', () => resolve(Buffer.concat(chunks)));
    res.on('error', reject);
  });
}

/**
 * One HTTP(S) request under the policy above: to addresses `allowed` accepts (an IP literal is
 * checked too), a fresh connection each time (no pooled socket skips the check), no redirect
 * followed (a 3xx is just the answer), at most `timeoutMs` and `maxResponseBytes`.
 * @throws OutboundRefused for a refused address; other errors for network failures and timeouts
 */
export async function outboundRequest(r: OutboundRequest): Promise<OutboundResponse> {
  const target = new URL(r.url);
  const allowed = r.allowed ?? isPublicAddress;
  const host = target.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) && !allowed(host)) throw new OutboundRefused(`${host} is not a public address`);
  if (target.protocol !== 'https:' && target.protocol !== 'http:') throw new OutboundRefused(`${target.protocol} URLs are not fetched`);
  const lookup = allowed === isPublicAddress ? publicOnlyLookup : checkedLookup(allowed);
  const request = target.protocol === 'https:' ? httpsRequest : httpRequest;
  const timeout = AbortSignal.timeout(r.timeoutMs);
  const signal = r.signal ? AbortSignal.any([r.signal, timeout]) : timeout;
  return new Promise<OutboundResponse>((resolve, reject) => {
    const fail = (err: unknown) => reject(timeout.aborted ? new Error(`no answer within ${r.timeoutMs} ms`) : err);
    const headers = r.body === undefined ? r.headers : { ...r.headers, 'content-length': String(Buffer.byteLength(r.body)) };
    const req = request(target, { method: r.method, headers, lookup, signal, agent: false }, (res) => {
      if (r.ignoreBody) {
        res.destroy();
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.alloc(0) });
        return;
      }
      readBody(res, r.maxResponseBytes).then((body) => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }), fail);
    });
    req.on('error', fail);
    req.end(r.body);
  });
}
