import type { Logger } from 'pino';
import type { Store } from './ports.js';

/**
 * Periodically removes expired rows where the backend has no TTL of its own (SQLite; MongoDB's
 * TTL indexes do this server-side). The timer is unref'd so it never keeps a process alive.
 * @returns a function that stops the sweeper
 */
export function startSweeper(store: Store, logger: Logger, intervalMs = 60_000): () => void {
  if (store.kind !== 'sqlite') return () => {};
  const timer = setInterval(() => {
    store.sweepExpired(new Date()).catch((err: unknown) => {
      logger.warn({ err }, 'sweeping expired store rows failed; will retry');
    });
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
