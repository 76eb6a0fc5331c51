import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';

/** One request shape to call the handler with. */
export interface InProcessCase {
  name: string;
  path: string;
  headers?: Record<string, string>;
}

/** µs of CPU per call of each case: the median of `rounds` rounds of `iterations` calls, cases interleaved. */
export type InProcessResult = Record<string, { micros: number; rounds: number[]; calls: Record<string, number> }>;

// every request comes from one address, over no connection at all
const socket = new Socket();
Object.defineProperty(socket, 'remoteAddress', { value: '127.0.0.1' });

/**
 * Calls `handler` (a Koa app's `callback()`: context, middleware, response written into memory)
 * with a fresh request and response per call, no socket and no event-loop turn in between, and
 * measures the process's CPU time per call. The cases run interleaved, round after round, so a
 * change in the machine's load touches them all alike; the medians are reported.
 */
export async function measureInProcess(
  handler: (req: IncomingMessage, res: ServerResponse) => Promise<unknown> | void,
  cases: InProcessCase[], options: { iterations: number; rounds: number; storeCalls?: () => Map<string, number> },
): Promise<InProcessResult> {
  const samples = new Map<string, number[]>(cases.map((c) => [c.name, []]));
  const calls = new Map<string, Record<string, number>>(cases.map((c) => [c.name, {}]));
  const snapshot = () => new Map(options.storeCalls?.() ?? []);
  const call = async (c: InProcessCase) => {
    const req = new IncomingMessage(socket);
    req.method = 'GET';
    req.url = c.path;
    req.headers = { host: 'bench.local', ...c.headers };
    const res = new ServerResponse(req);
    await handler(req, res);
  };
  for (const c of cases) for (let i = 0; i < 2000; i++) await call(c);
  for (let round = 0; round < options.rounds; round++) {
    for (const c of cases) {
      const counted = snapshot();
      const before = process.cpuUsage();
      for (let i = 0; i < options.iterations; i++) await call(c);
      const used = process.cpuUsage(before);
      samples.get(c.name)!.push((used.user + used.system) / options.iterations);
      // store calls made during this case's calls (background pollers included)
      const own = calls.get(c.name)!;
      for (const [name, n] of snapshot()) if (n > (counted.get(name) ?? 0)) own[name] = (own[name] ?? 0) + n - (counted.get(name) ?? 0);
    }
  }
  const out: InProcessResult = {};
  for (const [name, values] of samples) out[name] = { micros: median(values), rounds: values, calls: calls.get(name)! };
  return out;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
