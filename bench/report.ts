import { cpus } from 'node:os';
import { readFileSync } from 'node:fs';
import type { LoadResult } from './load.js';

/** One measured scenario under load. */
export interface Row {
  name: string;
  result: LoadResult;
  /** the status every response should have */
  expected: number;
  /** ratio of req/s to this row's baseline (bare route, or the oidc-provider baseline) */
  ratio?: { to: string; value: number };
  /** server CPU µs per request over the bare route's, and that over the floor's (same checks written plainly) */
  overhead?: { overBare: number; toFloor?: number };
  note?: string;
}

/** One case measured in process (µs of CPU per call, no sockets). */
export interface InProcessRow {
  name: string;
  micros: number;
  overBare?: number;
  toFloor?: number;
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
const fixed = (n: number | undefined, digits = 1) => (n === undefined || !Number.isFinite(n) ? '' : n.toFixed(digits));

/** The share of responses that had the expected status, e.g. "100%". */
export function expectedShare(row: Row): number {
  const total = Object.values(row.result.statuses).reduce((a, b) => a + b, 0);
  return total === 0 ? 0 : (row.result.statuses[String(row.expected)] ?? 0) / total;
}

/** The results as fixed-width tables (in process, under load), then the targets. */
export function render(inProcess: InProcessRow[], rows: Row[], targets: Target[], settings: Record<string, unknown>): string {
  const m = machine();
  const lines = [
    `Gatehouse benchmark — ${m.nproc} CPU(s), ${m.cpu}, Node ${m.node}`,
    `settings: ${Object.entries(settings).map(([k, v]) => `${k}=${v}`).join(', ')}`,
  ];
  if (inProcess.length) {
    lines.push('', 'in process (the probe app called directly, no sockets; CPU µs per call, median of the rounds):', '',
      `${pad('case', 52)}${lpad('µs/call', 10)}${lpad('over bare', 11)}${lpad('× floor', 9)}`, '-'.repeat(82));
    for (const r of inProcess) lines.push(`${pad(r.name, 52)}${lpad(fixed(r.micros, 2), 10)}${lpad(fixed(r.overBare, 2), 11)}${lpad(r.toFloor === undefined ? '' : `${fixed(r.toFloor, 2)}×`, 9)}${r.note ? `  (${r.note})` : ''}`);
  }
  if (rows.length) {
    lines.push('', 'under load (autocannon over 127.0.0.1; server CPU µs per request):', '',
      `${pad('scenario', 52)}${lpad('req/s', 9)}${lpad('p50 ms', 8)}${lpad('p99 ms', 8)}${lpad('CPU µs/req', 12)}${lpad('over bare', 11)}${lpad('× floor', 9)}${lpad('ratio', 16)}  expected status`,
      '-'.repeat(150));
    for (const row of rows) {
      const ratio = row.ratio ? `${row.ratio.value.toFixed(2)}× ${row.ratio.to}` : '';
      const share = `${row.expected}: ${(expectedShare(row) * 100).toFixed(1)}% of ${row.result.requests}${row.result.errors ? `, ${row.result.errors} errors` : ''}`;
      const toFloor = row.overhead?.toFloor === undefined ? '' : `${fixed(row.overhead.toFloor, 2)}×`;
      lines.push(`${pad(row.name, 52)}${lpad(row.result.rps.toFixed(0), 9)}${lpad(String(row.result.p50), 8)}${lpad(String(row.result.p99), 8)}${lpad(fixed(row.result.serverCpuMicrosPerRequest), 12)}${lpad(fixed(row.overhead?.overBare), 11)}${lpad(toFloor, 9)}${lpad(ratio, 16)}  ${share}${row.note ? `  (${row.note})` : ''}`);
    }
  }
  lines.push('', 'targets:');
  for (const t of targets) lines.push(`  [${t.met ? 'MET' : 'NOT MET'}] ${t.name}: ${t.detail}`);
  return lines.join('\n');
}
