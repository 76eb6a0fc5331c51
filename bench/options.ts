/** Benchmark settings from arguments and environment (arguments win). */
export interface BenchOptions {
  smoke: boolean;
  durationSeconds: number;
  connections: number;
  /** distinct JWTs for the "fresh tokens" run; above the verifier cache size (10 000) every request misses */
  freshTokens: number;
  warmupSeconds: number;
  /** scenario names to run (empty: all): calibration, apikey, jwt, jwtfresh, forged, cc, refresh, introspection, login */
  only: string[];
}

/**
 * `--smoke` (or BENCH_SMOKE=1): every scenario for ~1 s, small pools: checks the shape, not the numbers.
 * `--only=apikey,jwt` (BENCH_ONLY) runs a subset. `--duration=N` (BENCH_DURATION), `--connections=N` (BENCH_CONNECTIONS), `--fresh-tokens=N` (BENCH_FRESH_TOKENS).
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
    durationSeconds: num('duration', 'BENCH_DURATION', smoke ? 1 : 5),
    connections: num('connections', 'BENCH_CONNECTIONS', smoke ? 4 : 10),
    freshTokens: num('fresh-tokens', 'BENCH_FRESH_TOKENS', smoke ? 50 : 12_000),
    warmupSeconds: smoke ? 0 : 2,
    only: (arg('only') ?? env.BENCH_ONLY ?? '').split(',').map((x) => x.trim()).filter(Boolean),
  };
}
