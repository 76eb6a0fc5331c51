import type { Context } from 'koa';
import type { Client } from '../store/ports.js';
import { presentedClient } from './client-auth.js';
import { isPromise, type MaybePromise } from './maybe-async.js';
import { HashedCache } from './token-cache.js';

export interface ClientAuthenticatorOptions {
  /** the confidential client whose secret this is, else null (constant time) */
  verifyClient(clientId: string, secret: string): Promise<Client | null>;
  /**
   * how long a successful client authentication is reused (default 1000 ms, 0 = never): a
   * rotated or deleted client secret still authenticates for at most this long
   */
  cacheMs?: number;
}

/** Why client authentication failed, as RFC 6749 §5.2 answers it. */
export interface ClientAuthFailure { status: 400 | 401; error: string; description: string; challenge: boolean }

/**
 * Authenticates the confidential client calling an endpoint for resource servers
 * (introspection, shared rate limits, DPoP replay claims): `client_secret_basic` or
 * `client_secret_post`, answers cached for `cacheMs` under a hash of id and secret together (a
 * hit proves the same secret was presented). Synchronous on a cache hit.
 */
export function clientAuthenticator(options: ClientAuthenticatorOptions) {
  const cacheMs = options.cacheMs ?? 1000;
  const clients = new HashedCache<Client>(1000);
  const verify = (clientId: string, secret: string): MaybePromise<Client | null> => {
    if (cacheMs <= 0) return options.verifyClient(clientId, secret);
    const key = HashedCache.keyOf(`${clientId.length}:${clientId}:${secret}`);
    const hit = clients.get(key);
    if (hit) return hit;
    return options.verifyClient(clientId, secret).then((client) => {
      if (client) clients.set(key, client, Date.now() + cacheMs);
      return client;
    });
  };
  return async (ctx: Context, body: Record<string, unknown>): Promise<Client | ClientAuthFailure> => {
    const presented = presentedClient(ctx, body);
    if (!presented.ok) return { status: presented.error === 'invalid_client' ? 401 : 400, error: presented.error, description: presented.description, challenge: !!ctx.get('authorization') };
    const pending = verify(presented.clientId, presented.secret);
    const client = isPromise(pending) ? await pending : pending;
    return client ?? { status: 401, error: 'invalid_client', description: 'client authentication failed', challenge: !!ctx.get('authorization') };
  };
}

export function isClientAuthFailure(value: Client | ClientAuthFailure): value is ClientAuthFailure {
  return 'error' in value && 'status' in value;
}

/** Answers a failed client authentication (401 with `WWW-Authenticate: Basic` when Basic was tried). */
export function refuseClient(ctx: Context, failure: ClientAuthFailure): void {
  ctx.status = failure.status;
  if (failure.status === 401 && failure.challenge) ctx.set('WWW-Authenticate', 'Basic realm="gatehouse"');
  ctx.set('Cache-Control', 'no-store');
  ctx.body = { error: failure.error, error_description: failure.description };
}
