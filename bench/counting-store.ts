import type { Store } from '../src/store/ports.js';

/** Calls made through a `countingStore`, by `<port>.<method>`. */
export class StoreCalls {
  readonly counts = new Map<string, number>();

  /** calls of one port (e.g. `apiKeys`), or of one method (`apiKeys.findById`) */
  of(prefix: string): number {
    let total = 0;
    for (const [name, n] of this.counts) if (name === prefix || name.startsWith(`${prefix}.`)) total += n;
    return total;
  }

  total(): number {
    let total = 0;
    for (const n of this.counts.values()) total += n;
    return total;
  }

  reset(): void {
    this.counts.clear();
  }
}

/**
 * The same store with every port method call counted (a transparent proxy), so a benchmark or
 * a test can prove that a path touches no store (e.g. forged API keys: zero reads).
 */
export function countingStore(store: Store): { store: Store; calls: StoreCalls } {
  const calls = new StoreCalls();
  const wrapPort = (portName: string, port: object) =>
    new Proxy(port, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver);
        if (typeof value !== 'function') return value;
        const name = `${portName}.${String(prop)}`;
        return function counted(this: unknown, ...args: unknown[]) {
          calls.counts.set(name, (calls.counts.get(name) ?? 0) + 1);
          return value.apply(target, args);
        };
      },
    });
  const ports = new Map<PropertyKey, object>();
  const wrapped = new Proxy(store, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== 'object' || value === null) return value;
      let port = ports.get(prop);
      if (!port) ports.set(prop, (port = wrapPort(String(prop), value)));
      return port;
    },
  });
  return { store: wrapped, calls };
}
