import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';

/** The most a fetched document (a client's JWK Set) may weigh. */
export const MAX_FETCH_BYTES = 64 * 1024;

/** Whether an address is one the public internet routes to (not loopback, private, link-local, …). */
export function isPublicAddress(address: string): boolean {
  try {
    return ipaddr.process(address).range() === 'unicast';
  } catch {
    return false;
  }
}

/**
 * A DNS lookup that fails for names resolving to any address `allowed` refuses. It runs when the
 * socket connects, so the address checked is the address used: a name that resolves to a public
 * address once and to 127.0.0.1 the next time (DNS rebinding) gets nowhere.
 */
export const checkedLookup = (allowed: (address: string) => boolean): LookupFunction => (hostname, options, callback) => {
  dnsLookup(hostname, { ...(options as LookupOptions), all: true }, (err, addresses: LookupAddress[]) => {
    if (err) return callback(err, '', 0);
    const refused = addresses.find((a) => !allowed(a.address));
    if (refused || addresses.length === 0) return callback(new Error(`${hostname} does not resolve to public addresses only`), '', 0);
    if ((options as LookupOptions).all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
    callback(null, addresses[0].address, addresses[0].family);
  });
};

function readBody(res: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    res.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_FETCH_BYTES) res.destroy(new Error('response too large'));
      else chunks.push(chunk);
    });
    res.on('end', () => resolve(Buffer.concat(chunks)));
    res.on('error', reject);
  });
}

/** Public addresses only. */
export const publicOnlyLookup = checkedLookup(isPublicAddress);

type FetchOptions = { headers?: ConstructorParameters<typeof Headers>[0]; signal?: AbortSignal | null };

/**
 * A `fetch` for the documents oidc-provider loads on a client's behalf (its `jwks_uri`): GET
 * only, to addresses `allowed` accepts (see {@link checkedLookup}; an IP literal is checked as
 * well), no redirects followed, at most 64 KB, cancelled by the caller's signal.
 */
export const checkedFetch = (allowed: (address: string) => boolean) => async (url: URL | string, options: FetchOptions = {}): Promise<Response> => {
  const target = new URL(url);
  const host = target.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) && !allowed(host)) throw new Error(`${host} is not a public address`);
  const lookup = allowed === isPublicAddress ? publicOnlyLookup : checkedLookup(allowed);
  const request = target.protocol === 'https:' ? httpsRequest : httpRequest;
  const headers = Object.fromEntries(new Headers(options.headers).entries());
  const res = await new Promise<IncomingMessage>((resolve, reject) => {
    const req = request(target, { method: 'GET', headers, lookup, signal: options.signal ?? undefined }, resolve);
    req.on('error', reject);
    req.end();
  });
  const body = await readBody(res);
  const responseHeaders = new Headers();
  for (const [name, value] of Object.entries(res.headers)) if (typeof value === 'string') responseHeaders.set(name, value);
  return new Response(res.statusCode === 204 || res.statusCode === 304 ? null : body, { status: res.statusCode ?? 502, headers: responseHeaders });
};

/** {@link checkedFetch} to public addresses only: what the server uses. */
export const publicFetch = checkedFetch(isPublicAddress);
