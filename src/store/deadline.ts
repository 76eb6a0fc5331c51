import { StoreUnavailable, type Store } from './ports.js';
import { isStoreOutage } from './outage.js';

const GUARDED = Symbol('gatehouse.store.deadline');

/**
 * The methods of a port: its class's (never instance fields, e.g. a mongoose model or a prepared
 * statement), or a plain object's own functions.
 */
function methodNames(target: object): string[] {
  const names = new Set<string>();
  const plain = Object.getPrototypeOf(target) === Object.prototype;
  for (let proto = plain ? target : Object.getPrototypeOf(target); proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    for (const name of Object.getOwnPropertyNames(proto)) {
      if (name !== 'constructor' && typeof (target as Record<string, unknown>)[name] === 'function') names.add(name);
    }
  }
  return [...names];
}

/**
 * Calls `call` and settles with it, or rejects with `StoreUnavailable` after `ms`; an outage
 * error from the backend becomes `StoreUnavailable` too (with it as the cause).
 */
export function withDeadline<T>(operation: string, ms: number, call: () => Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new StoreUnavailable(`the store did not answer ${operation} within ${ms} ms`)), ms);
    const settle = (fn: () => void) => { clearTimeout(timer); fn(); };
    let pending: Promise<T>;
    try {
      pending = call();
    } catch (err) {
      pending = Promise.reject(err);
    }
    Promise.resolve(pending).then(
      (value) => settle(() => resolve(value)),
      (err: unknown) => settle(() => reject(isStoreOutage(err) && !(err instanceof StoreUnavailable)
        ? new StoreUnavailable(`the store is unavailable (${operation})`, { cause: err }) : err)),
    );
  });
}

/** A port whose methods answer within the deadline; other properties read through to the port. */
function guardPort<T extends object>(port: T, name: string, ms: number): T {
  const guarded = Object.create(port) as Record<string, unknown>;
  for (const method of methodNames(port)) {
    const fn = (port as Record<string, (...args: unknown[]) => Promise<unknown>>)[method];
    guarded[method] = (...args: unknown[]) => withDeadline(`${name}.${method}`, ms, () => fn.apply(port, args));
  }
  return guarded as T;
}

/**
 * The store with a deadline on every port method and on `ping`: a call that has not settled
 * after `timeoutMs` rejects with `StoreUnavailable` (the error boundary answers 503, `/readyz`
 * answers 503), so a stuck backend never holds a request forever. The backend's own timeouts
 * (MongoDB's server selection, wtimeout, socket timeout; SQLite's busy timeout) end the work
 * itself; this bounds what a caller waits for, whichever adapter and whatever the failure.
 * `migrations`, `sweepExpired` and `close` are not bounded: they may rightly take long.
 * Guarding a guarded store returns it unchanged.
 */
export function withDeadlines(store: Store, timeoutMs: number): Store {
  if ((store as unknown as Record<symbol, unknown>)[GUARDED]) return store;
  const guarded: Record<string | symbol, unknown> = { ...store, [GUARDED]: true };
  for (const [name, value] of Object.entries(store)) {
    if (name !== 'migrations' && typeof value === 'object' && value !== null) guarded[name] = guardPort(value, name, timeoutMs);
  }
  guarded.ping = () => withDeadline('ping', timeoutMs, () => store.ping());
  return guarded as unknown as Store;
}
