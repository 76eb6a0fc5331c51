import autocannon from 'autocannon';

/** One load run's settings. */
export interface LoadOptions {
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  /** per request: headers/body to use instead (e.g. a token from a pool); per-connection `context` */
  setup?: (context: Record<string, unknown>) => { headers?: Record<string, string>; body?: string } | null;
  /** sees every response (e.g. to chain refresh tokens per connection) */
  onResponse?: (status: number, body: string, context: Record<string, unknown>) => void;
  connections: number;
  durationSeconds: number;
}

/** What a run measured. */
export interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  /** response counts by status code */
  statuses: Record<string, number>;
  errors: number;
  /** the server process's CPU time (user + system) per request, in µs, when measured */
  serverCpuMicrosPerRequest?: number;
}

/** Drives `url` with autocannon (keep-alive connections, no pipelining). */
export async function load(options: LoadOptions): Promise<LoadResult> {
  const { setup, onResponse } = options;
  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.durationSeconds,
    pipelining: 1,
    method: options.method ?? 'GET',
    headers: options.headers,
    body: options.body,
    requests: setup || onResponse ? [{
      setupRequest: setup ? (req, context) => {
        const over = setup(context as Record<string, unknown>);
        if (!over) return req;
        return { ...req, headers: { ...req.headers, ...over.headers }, body: over.body ?? req.body };
      } : undefined,
      onResponse: onResponse ? (status, body, context) => onResponse(status, body, context as Record<string, unknown>) : undefined,
    }] : undefined,
  });
  const statuses: Record<string, number> = {};
  for (const [code, stat] of Object.entries(result.statusCodeStats ?? {})) statuses[code] = stat.count ?? 0;
  return {
    rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99,
    requests: result.requests.total, statuses, errors: result.errors + result.timeouts,
  };
}
