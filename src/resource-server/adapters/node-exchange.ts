import type { IncomingMessage } from 'node:http';
import type { AuthExchange } from '../core/exchange.js';
import { nodeHeader } from './shared.js';

/**
 * An exchange over Node's `IncomingMessage` (node:http, Express, Fastify): the address and the
 * absolute URL come from the framework, which knows its trusted proxies.
 */
export class NodeExchange implements AuthExchange {
  readonly method: string;
  constructor(
    private readonly req: IncomingMessage,
    private readonly address: (req: IncomingMessage) => string,
    private readonly absoluteUrl: (req: IncomingMessage) => string,
  ) {
    this.method = req.method ?? 'GET';
  }
  header(name: string) { return nodeHeader(this.req, name); }
  ip() { return this.address(this.req); }
  url() { return this.absoluteUrl(this.req); }
}

/** `http(s)://<Host><path>` of a plain Node request (no proxy headers trusted). */
export function directUrl(req: IncomingMessage): string {
  const secure = (req.socket as { encrypted?: boolean }).encrypted === true;
  return `${secure ? 'https' : 'http'}://${req.headers.host ?? 'localhost'}${req.url ?? '/'}`;
}

/** The peer's address of a plain Node request. */
export function socketAddress(req: IncomingMessage): string {
  return req.socket.remoteAddress ?? '';
}
