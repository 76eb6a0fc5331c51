/** Benchmark settings from arguments and environment (arguments win). */
export interface BenchOptions {
  smoke: boolean;
  /** only the in-process measurement (µs per call, no sockets) */
  inProcessOnly: boolean;
  durationSeconds: number;
  connections: number;
  /** distinct JWTs for the "fresh tokens" run; above the verifier cache size (10 000) every request misses */
  freshTokens: number;
  warmupSeconds: number;
  /** rounds of the floor comparison (bare, floors, Gatehouse), medians reported */
  rounds: number;
  /** calls per case and round in process */
  iterations: number;
  /** scenario names to run (empty: all): inprocess, calibration, floor, jwtfresh, cc, refresh, introspection, login */
  only: string[];
}

/**
 * `--smoke` (or BENCH_SMOKE=1): every scenario briefly, small pools: checks the shape, not the numbers.
 * `--in-process`: only the in-process measurement. `--only=floor,cc` (BENCH_ONLY) runs a subset.
 * `--duration=N` (BENCH_DURATION), `--connections=N` (BENCH_CONNECTIONS), `--fresh-tokens=N`
 * (BENCH_FRESH_TOKENS), `--rounds=N` (BENCH_ROUNDS), `--iterations=N` (BENCH_ITERATIONS).
 */
export function benchOptions(argv: string[], env: NodeJS.ProcessEnv): BenchOptions {
  const arg = (name: string) => argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
  const num = (name: string, envName: string, fallback: number) => {
    const raw = arg(name) ?? env[envName];
    const n = raw === undefined ? NaN : Number(raw);
    return Number.isFinite(n) && n > 0 ? n : fallback;
  };
  const smoke = argv.includes('--smoke') || env.BENCH_SMOKE === '1';
  return {
    smoke,
    inProcessOnly: argv.includes('--in-process'),
    durationSeconds: num('duration', 'BENCH_DURATION', smoke ? 1 : 4),
    connections: num('connections', 'BENCH_CONNECTIONS', smoke ? 4 : 10),
    freshTokens: num('fresh-tokens', 'BENCH_FRESH_TOKENS', smoke ? 50 : 12_000),
    warmupSeconds: smoke ? 0 : 2,
    rounds: num('rounds', 'BENCH_ROUNDS', smoke ? 1 : 3),
    iterations: num('iterations', 'BENCH_ITERATIONS', smoke ? 500 : 20_000),
    only: (arg('only') ?? env.BENCH_ONLY ?? '').split(',').map((x) => x.trim()).filter(Boolean),
  };
}
