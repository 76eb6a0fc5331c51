import { Registry, Counter, Histogram, collectDefaultMetrics, type CounterConfiguration, type LabelValues } from 'prom-client';

/** A counter child bound to fixed labels. */
interface BoundCounter { inc(value?: number): void }

/**
 * A prom-client Counter whose `labels({...})` children count in a plain number and hand their
 * counts over when the counter is read (`get()`, i.e. on every scrape). prom-client's own
 * children hash their label object on every `inc()`; these are kept for the hot path (one
 * increment per request), and what a scrape sees is exact.
 */
export class BufferedCounter<T extends string> extends Counter<T> {
  private readonly bound = new Map<string, { labels: LabelValues<T>; pending: number }>();

  constructor(config: CounterConfiguration<T>) {
    super(config);
  }

  override labels(...args: [LabelValues<T>] | string[]): BoundCounter {
    const [labels] = args;
    if (typeof labels !== 'object' || labels === null) return super.labels(...(args as string[]));
    const id = JSON.stringify(labels);
    let child = this.bound.get(id);
    if (!child) {
      // validated and stored once, as prom-client would on the first inc()
      this.inc({ ...labels }, 0);
      this.bound.set(id, (child = { labels: { ...labels }, pending: 0 }));
    }
    const entry = child;
    return {
      inc(value = 1) {
        if (!(value >= 0) || !Number.isFinite(value)) throw new TypeError(`Value is not a valid counter increment: ${value}`);
        entry.pending += value;
      },
    };
  }

  private flush(): void {
    for (const child of this.bound.values()) {
      if (child.pending === 0) continue;
      this.inc(child.labels, child.pending);
      child.pending = 0;
    }
  }

  override async get() {
    this.flush();
    return super.get();
  }

  override reset(): void {
    // also called by prom-client's constructor, before this class's fields exist
    if (this.bound) for (const child of this.bound.values()) child.pending = 0;
    super.reset();
  }
}

/** Prometheus metrics of one Gatehouse instance (own registry: tests build many apps). */
export class Metrics {
  readonly registry = new Registry();
  readonly httpRequests = new BufferedCounter({
    name: 'gatehouse_http_requests_total', help: 'HTTP requests by route family, method and status',
    labelNames: ['family', 'method', 'status'] as const, registers: [this.registry],
  });
  readonly httpDuration = new Histogram({
    name: 'gatehouse_http_request_duration_seconds', help: 'HTTP request duration by route family',
    labelNames: ['family'] as const, buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  readonly authentications = new BufferedCounter({
    name: 'gatehouse_authentications_total', help: 'Credential checks by kind and outcome',
    labelNames: ['kind', 'outcome'] as const, registers: [this.registry],
  });

  constructor(options: { defaultMetrics?: boolean } = {}) {
    if (options.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry });
  }
}

const FIXED_FAMILIES = new Set(['healthz', 'readyz', 'metrics', 'openapi.json']);

/** First path segment, so metrics labels stay bounded (no ids in labels). */
export function routeFamily(path: string): string {
  // the segment between the first and the second '/' (without splitting the whole path)
  const start = path.indexOf('/');
  const end = start < 0 ? -1 : path.indexOf('/', start + 1);
  const first = start < 0 ? '' : end < 0 ? path.slice(start + 1) : path.slice(start + 1, end);
  if (first === 'v1') return 'management';
  if (first === '.well-known') return 'discovery';
  if (FIXED_FAMILIES.has(first)) return first;
  return first === '' ? 'root' : 'oauth';
}
