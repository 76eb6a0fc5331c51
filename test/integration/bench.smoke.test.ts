import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const RUN = fileURLToPath(new URL('../../dist/bench/run.js', import.meta.url));

/** Runs `npm run bench` in smoke mode (about 1 s a scenario) and checks the report's shape, not its numbers. */
describe('the benchmark (smoke mode)', () => {
  it('measures every scenario against a real Gatehouse and reports each target', async () => {
    if (!existsSync(RUN)) throw new Error(`${RUN} is missing: run \`npm run build\` first (npm test does)`);
    const child = spawn(process.execPath, [RUN, '--smoke'], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, BENCH_SMOKE: '1' } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect({ code, err: code === 0 ? '' : err }).toEqual({ code: 0, err: '' });

    const json = JSON.parse(out.split('\n').find((l) => l.startsWith('BENCH_JSON '))!.slice('BENCH_JSON '.length));
    const names: string[] = json.rows.map((r: { name: string }) => r.name);
    for (const expected of [/^bare route/, /^floor: .*API key$/, /^floor: .*forged key$/, /API key$/, /JWT \(one repeated token\)/, /JWT \(pool of/, /forged API key/,
      /client_credentials \(JWT/, /oidc-provider baseline/, /refresh_token/, /introspection of an API key/, /login form POST/]) {
      expect(names.some((n) => expected.test(n))).toBe(true);
    }
    // the in-process measurement: the same cases, µs per call, each authenticated one against the floor
    const inProcess: Array<{ name: string; micros: number; toFloor?: number }> = json.inProcess;
    expect(inProcess.map((r) => r.name)).toEqual(expect.arrayContaining(['bare route (no authentication)', 'same route, API key', 'same route, forged API key']));
    for (const r of inProcess) expect(r.micros).toBeGreaterThan(0);
    expect(inProcess.find((r) => r.name === 'same route, API key')!.toFloor).toBeGreaterThan(0);
    for (const row of json.rows.filter((r: { name: string }) => /^same route, (API key|forged API key|JWT \(one)/.test(r.name))) {
      expect(row.overhead.toFloor).toEqual(expect.any(Number));
    }
    for (const row of json.rows) {
      expect(row.rps).toBeGreaterThan(0);
      // every scenario measured what it meant to: (nearly) all responses had the expected status
      const total = Object.values(row.statuses as Record<string, number>).reduce((a, b) => a + b, 0);
      expect((row.statuses[String(row.expected)] ?? 0) / total).toBeGreaterThan(0.99);
    }
    const targetNames: string[] = json.targets.map((t: { name: string }) => t.name);
    for (const mode of ['in process', 'under load']) {
      for (const target of ["API key ≤ 1.3× the floor's overhead", "forged key ≤ 1.5× the floor's overhead", 'cached JWT ≤ API key + 1 µs']) expect(targetNames).toContain(`${mode}: ${target}`);
    }
    for (const t of json.targets) expect(typeof t.met).toBe('boolean');
    // no store read nor write for forged keys (the first failures of an address), in either mode
    for (const t of json.targets.filter((x: { name: string }) => x.name.includes('0 store reads'))) expect(t.detail).toMatch(/^0 API-key reads, 0 rate-limit writes/);
    expect(json.targets.find((t: { name: string }) => t.name.includes('async context off')).met).toBe(true);
    expect(out).toMatch(/^Gatehouse benchmark — \d+ CPU\(s\), .+, Node v\d+/m);
    expect(out).toMatch(/targets:\n(\s+\[(MET|NOT MET)\] .+\n){11}/);
  }, 120_000);
});
