import type { Context } from 'koa';
import { STORE_UNAVAILABLE } from '../http/error-boundary.js';
import { StoreUnavailable } from '../store/ports.js';

/** Whether an error oidc-provider caught comes from a store past its deadline (itself or a cause). */
export function isStoreOutage(err: unknown): boolean {
  for (let e = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (e instanceof StoreUnavailable) return true;
  }
  return false;
}

/**
 * oidc-provider answers any error it did not raise itself as 500 `server_error`; a stuck store is
 * not our bug but an outage to retry, as Gatehouse's own routes say (503, Retry-After). Called
 * from its `server_error` event, which it emits after writing the answer: JSON bodies become RFC
 * 6749's `temporarily_unavailable`; HTML pages are already rendered as such by `renderError`.
 */
export function answerStoreOutage(ctx: Context): void {
  ctx.status = STORE_UNAVAILABLE.status;
  ctx.set(STORE_UNAVAILABLE.headers);
  const body = ctx.body as { error?: unknown } | null;
  if (body && typeof body === 'object' && !Buffer.isBuffer(body) && body.error === 'server_error') {
    ctx.body = { error: 'temporarily_unavailable', error_description: STORE_UNAVAILABLE.detail! };
  }
}
