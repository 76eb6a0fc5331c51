import { Registry, Counter, Histogram, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics of one Gatehouse instance (own registry: tests build many apps). */
export class Metrics {
  readonly registry = new Registry();
  readonly httpRequests = new Counter({
    name: 'gatehouse_http_requests_total', help: 'HTTP requests by route family, method and status',
    labelNames: ['family', 'method', 'status'] as const, registers: [this.registry],
  });
  readonly httpDuration = new Histogram({
    name: 'gatehouse_http_request_duration_seconds', help: 'HTTP request duration by route family',
    labelNames: ['family'] as const, buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  readonly authentications = new Counter({
    name: 'gatehouse_authentications_total', help: 'Credential checks by kind and outcome',
    labelNames: ['kind', 'outcome'] as const, registers: [this.registry],
  });

  constructor(options: { defaultMetrics?: boolean } = {}) {
    if (options.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry });
  }
}

/** First path segment, so metrics labels stay bounded (no ids in labels). */
export function routeFamily(path: string): string {
  const first = path.split('/')[1] ?? '';
  if (first === 'v1') return 'management';
  if (first === '.well-known') return 'discovery';
  if (['healthz', 'readyz', 'metrics', 'openapi.json'].includes(first)) return first;
  return first === '' ? 'root' : 'oauth';
}
