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
    for (const expected of [/^bare route/, /API key$/, /JWT \(one repeated token\)/, /JWT \(pool of/, /forged API key/,
      /client_credentials \(JWT/, /oidc-provider baseline/, /refresh_token/, /introspection of an API key/, /login form POST/]) {
      expect(names.some((n) => expected.test(n))).toBe(true);
    }
    for (const row of json.rows) {
      expect(row.rps).toBeGreaterThan(0);
      // every scenario measured what it meant to: (nearly) all responses had the expected status
      const total = Object.values(row.statuses as Record<string, number>).reduce((a, b) => a + b, 0);
      expect((row.statuses[String(row.expected)] ?? 0) / total).toBeGreaterThan(0.99);
    }
    expect(json.targets).toHaveLength(5);
    for (const t of json.targets) expect(typeof t.met).toBe('boolean');
    expect(json.targets.find((t: { name: string }) => t.name.startsWith('forged')).detail).toMatch(/, 0 API-key reads$/);
    expect(out).toMatch(/^Gatehouse benchmark — \d+ CPU\(s\), .+, Node v\d+/m);
    expect(out).toMatch(/targets:\n(\s+\[(MET|NOT MET)\] .+\n){5}/);
  }, 60_000);
});
