import type { AsyncLocalStorage } from 'node:async_hooks';
// oidc-provider keeps each request's context in one AsyncLocalStorage of its own (no public export)
import providerStorage from 'oidc-provider/lib/helpers/als.js';

let inFlight = 0;

/**
 * Runs one request through oidc-provider, and switches its AsyncLocalStorage off again once no
 * provider request is in flight.
 *
 * Why: on Node 20/22 an enabled AsyncLocalStorage installs promise hooks for the whole process,
 * and oidc-provider enables its store on the first request it serves, never to disable it. From
 * then on every promise of every route (the management API, resource-server routes, health
 * checks) pays the hooks: 1.5–3.5 µs a request in the benchmark, bare routes included. The store
 * is read only inside provider requests (`ensureOIDC` runs them in it); outside them
 * `getStore()` is undefined either way. So it is disabled when the last provider request
 * finishes and oidc-provider re-enables it at its next `run`: routes served while no provider
 * request is in flight run without hooks. (Node 24 holds the context without hooks at all.)
 */
export async function inProviderContext<T>(serve: () => Promise<T>): Promise<T> {
  inFlight++;
  try {
    return await serve();
  } finally {
    if (--inFlight === 0) (providerStorage as AsyncLocalStorage<unknown>).disable();
  }
}

/** Whether oidc-provider's storage is enabled now (tests). */
export function providerContextEnabled(): boolean {
  return (providerStorage as unknown as { enabled: boolean }).enabled;
}
