import { cpus } from 'node:os';
import { readFileSync } from 'node:fs';
import type { LoadResult } from './load.js';

/** One measured scenario. */
export interface Row {
  name: string;
  result: LoadResult;
  /** the status every response should have */
  expected: number;
  /** ratio to this row's baseline (bare route, or the oidc-provider baseline) */
  ratio?: { to: string; value: number };
  note?: string;
}

/** A target of the benchmark and whether the run met it. */
export interface Target {
  name: string;
  met: boolean;
  detail: string;
}

export function machine(): { nproc: number; cpu: string; node: string } {
  let cpu = cpus()[0]?.model ?? 'unknown';
  try {
    cpu = /model name\s*:\s*(.+)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? cpu;
  } catch {
    // not Linux: os.cpus() is good enough
  }
  return { nproc: cpus().length, cpu, node: process.version };
}

const pad = (s: string, n: number) => (s.length >= n ? s : s + ' '.repeat(n - s.length));
const lpad = (s: string, n: number) => (s.length >= n ? s : ' '.repeat(n - s.length) + s);

/** The share of responses that had the expected status, e.g. "100%". */
export function expectedShare(row: Row): number {
  const total = Object.values(row.result.statuses).reduce((a, b) => a + b, 0);
  return total === 0 ? 0 : (row.result.statuses[String(row.expected)] ?? 0) / total;
}

/** The results as a fixed-width table, then the targets. */
export function render(rows: Row[], targets: Target[], settings: Record<string, unknown>): string {
  const m = machine();
  const lines = [
    `Gatehouse benchmark — ${m.nproc} CPU(s), ${m.cpu}, Node ${m.node}`,
    `settings: ${Object.entries(settings).map(([k, v]) => `${k}=${v}`).join(', ')}`,
    '',
    `${pad('scenario', 52)}${lpad('req/s', 10)}${lpad('p50 ms', 8)}${lpad('p99 ms', 8)}${lpad('CPU µs/req', 12)}${lpad('ratio', 16)}  expected status`,
    '-'.repeat(132),
  ];
  for (const row of rows) {
    const ratio = row.ratio ? `${row.ratio.value.toFixed(2)}× ${row.ratio.to}` : '';
    const share = `${row.expected}: ${(expectedShare(row) * 100).toFixed(1)}% of ${row.result.requests}${row.result.errors ? `, ${row.result.errors} errors` : ''}`;
    lines.push(`${pad(row.name, 52)}${lpad(row.result.rps.toFixed(0), 10)}${lpad(String(row.result.p50), 8)}${lpad(String(row.result.p99), 8)}${lpad(row.result.serverCpuMicrosPerRequest?.toFixed(1) ?? '', 12)}${lpad(ratio, 16)}  ${share}${row.note ? `  (${row.note})` : ''}`);
  }
  lines.push('', 'targets:');
  for (const t of targets) lines.push(`  [${t.met ? 'MET' : 'NOT MET'}] ${t.name}: ${t.detail}`);
  return lines.join('\n');
}
