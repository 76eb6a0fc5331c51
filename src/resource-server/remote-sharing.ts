import { HttpProblem } from '../http/problem.js';
import type { RateLimitResult, RateLimitStore, RateLimitTake } from '../store/ports.js';
import { replayKey, type ReplayGuard } from './dpop/replay.js';
import { SERVICE_PATHS } from './service-endpoints.js';

export interface GatehouseSharingOptions {
  issuer: string;
  clientId: string;
  clientSecret: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

const unavailable = () => new HttpProblem(503, 'authorization_server_unavailable', 'Service unavailable',
  'Gatehouse could not be reached to apply a shared limit; retry shortly.', {}, { 'Retry-After': '1' });

/** POSTs JSON to one of Gatehouse's resource-server endpoints as the service's client; a 503 problem when that fails. */
export function gatehouseCaller(options: GatehouseSharingOptions) {
  const doFetch = options.fetch ?? fetch;
  const authorization = `Basic ${Buffer.from(`${encodeURIComponent(options.clientId)}:${encodeURIComponent(options.clientSecret)}`).toString('base64')}`;
  return async <T>(path: string, body: Record<string, unknown>): Promise<T> => {
    let response: Response;
    try {
      response = await doFetch(`${options.issuer}${path}`, {
        method: 'POST', headers: { authorization, 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(body), signal: AbortSignal.timeout(options.timeoutMs ?? 5_000),
      });
    } catch {
      throw unavailable();
    }
    if (response.status !== 200) {
      await response.arrayBuffer().catch(() => undefined);
      throw unavailable();
    }
    return (await response.json()) as T;
  };
}

/**
 * The rate-limit counters of a remote service, kept at Gatehouse (`POST
 * /resource-server/rate-limit`) under the service's client: every instance of the service
 * leases from the same counters, so together they admit at most the limit. The limiter in front
 * takes blocks of units at a time (see `LeasedRateLimiter`), so this is one round trip per lease,
 * not per request.
 */
export class GatehouseRateLimits implements RateLimitStore {
  private readonly post;

  constructor(options: GatehouseSharingOptions) {
    this.post = gatehouseCaller(options);
  }

  async take(input: RateLimitTake): Promise<RateLimitResult> {
    const answer = await this.post<{ allowed: boolean; used: number; reset_at: number }>(SERVICE_PATHS.rateLimit, {
      bucket: input.bucket, limit: input.limit, window_seconds: Math.max(1, Math.round(input.windowMs / 1000)), cost: input.cost,
    });
    return { allowed: answer.allowed === true, used: Number(answer.used), resetAt: Number(answer.reset_at) };
  }

  async reset(): Promise<void> {
    throw new Error('a remote service cannot reset shared counters');
  }
}

/** DPoP proofs claimed once at Gatehouse (`POST /resource-server/dpop-proof`): a proof replayed to another instance of the service is refused. */
export function gatehouseReplayGuard(options: GatehouseSharingOptions): ReplayGuard {
  const post = gatehouseCaller(options);
  return {
    async claim(jkt, jti, usableUntil) {
      const answer = await post<{ claimed: boolean }>(SERVICE_PATHS.dpopProof, { key: replayKey(jkt, jti), expires_at: Math.ceil(usableUntil) });
      return answer.claimed === true;
    },
  };
}
