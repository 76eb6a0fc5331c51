/** A counter child bound to fixed labels (what prom-client's `labels({...})` returns). */
export interface CounterChild {
  inc(): void;
}

/**
 * Children of a labelled counter, bound on first use and kept under an id the caller builds, so a
 * hot path increments without hashing a label object on every call. At most `max` are kept, so
 * label values taken from client input (HTTP methods) cannot grow the map without bound.
 */
export function boundChildren<L>(bind: (labels: L) => CounterChild, max = 1000): (id: string, labels: () => L) => CounterChild {
  const children = new Map<string, CounterChild>();
  return (id, labels) => {
    let child = children.get(id);
    if (!child) {
      child = bind(labels());
      if (children.size < max) children.set(id, child);
    }
    return child;
  };
}
