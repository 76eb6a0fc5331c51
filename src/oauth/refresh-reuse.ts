import { errors } from 'oidc-provider';
import type Provider from 'oidc-provider';
import type { Secrets } from '../domain/secrets.js';
import type { Store } from '../store/ports.js';

/** The model the first answer of a rotation is kept under, for retries within the reuse interval. */
const REPLAY_MODEL = 'RefreshReplay';

/** A refresh token presented again within the reuse interval: not a reuse, a retry (its family lives). */
export class RefreshRetry extends errors.InvalidGrant {
  constructor() {
    super('refresh token already used');
  }
}

/**
 * Whether a refresh token consumed at `consumedMs` (epoch ms, as the adapter's compare-and-set
 * stamps it) may still be presented again. Stamps in seconds (older versions) never qualify.
 */
export function withinReuseInterval(consumedMs: unknown, intervalMs: number, now = Date.now()): boolean {
  return intervalMs > 0 && typeof consumedMs === 'number' && consumedMs <= now + 1000 && now - consumedMs < intervalMs;
}

export interface RefreshReuseDeps {
  store: Store;
  secrets: Secrets;
  intervalSeconds: number;
  /** the adapter's storage key of a model's id (an HMAC: the store never sees a token value) */
  storageId: (model: string, id: string) => string;
  /** how long a retry waits for the first request's answer, and how often it looks (ms) */
  waitMs?: number;
  pollMs?: number;
}

/**
 * `oauth.refreshReuseIntervalSeconds` (SPEC §3 token families): the first refresh of a token
 * rotates it and its answer is kept, sealed, for the interval; a request that presents the same
 * token within the interval (a client retrying after a lost response, or a parallel request)
 * gets that same answer instead of a reuse verdict. The adapter decides "within the interval"
 * from the consume stamp and throws {@link RefreshRetry} instead of revoking; this middleware
 * turns it into the kept answer (waiting for it while the first request is still running).
 */
export function installRefreshReuse(provider: Provider, deps: RefreshReuseDeps): void {
  if (deps.intervalSeconds <= 0) return;
  const waitMs = deps.waitMs ?? 5000;
  const pollMs = deps.pollMs ?? 20;
  const retrying = new WeakSet<object>();
  const key = (tokenId: string) => deps.storageId(REPLAY_MODEL, tokenId);
  const context = (k: string) => `refresh-replay:${k}`;

  async function remember(tokenId: string, answer: unknown): Promise<void> {
    const k = key(tokenId);
    const sealed = deps.secrets.seal(JSON.stringify(answer), context(k));
    await deps.store.oidc.upsert(REPLAY_MODEL, k, { sealed }, new Date(Date.now() + deps.intervalSeconds * 1000 + waitMs));
  }

  async function recall(tokenId: string): Promise<unknown> {
    const k = key(tokenId);
    for (const deadline = Date.now() + waitMs; ; await new Promise((r) => setTimeout(r, pollMs))) {
      const kept = await deps.store.oidc.find(REPLAY_MODEL, k);
      if (typeof kept?.sealed === 'string') return JSON.parse(deps.secrets.unseal(kept.sealed, context(k)));
      if (Date.now() >= deadline) return undefined;
    }
  }

  provider.on('grant.error', (ctx, err) => {
    if (err instanceof RefreshRetry) retrying.add(ctx);
  });
  provider.use(async (ctx, next) => {
    await next();
    const oidc = (ctx as { oidc?: { route?: string; entities: Record<string, { jti: string } | undefined> } }).oidc;
    if (oidc?.route !== 'token') return;
    const rotated = oidc.entities.RotatedRefreshToken;
    if (ctx.status === 200 && rotated) return remember(rotated.jti, ctx.body);
    const presented = oidc.entities.RefreshToken;
    if (!retrying.has(ctx) || !presented) return;
    const answer = await recall(presented.jti);
    if (answer === undefined) return;
    ctx.status = 200;
    ctx.set('Cache-Control', 'no-store');
    ctx.body = answer;
  });
}
