import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { load, type LoadOptions, type LoadResult } from './load.js';
import { basicAuth, mintAccessTokens, openLoginPage, refreshTokenFor } from './oauth-flow.js';
import { benchOptions } from './options.js';
import { render, type InProcessRow, type Row, type Target } from './report.js';
import type { ReadyMessage } from './server.js';

/**
 * `npm run bench`: a real Gatehouse (file-backed SQLite, in a child process so the load
 * generator does not share its event loop) driven by autocannon, scenario after scenario, and
 * compared side by side with a bare route and with oidc-provider's in-memory baseline.
 */
const options = benchOptions(process.argv.slice(2), process.env);
const server: ChildProcess = fork(fileURLToPath(new URL('./server.js', import.meta.url)), [], {
  stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  // BENCH_PROFILE=<dir>: a CPU profile of the server process, for finding hot spots
  execArgv: process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [],
});

let exited: ((err: Error) => void) | null = null;
server.once('exit', (code) => exited?.(new Error(`bench server exited (${code})`)));

function next<T>(type: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (msg: { type: string }) => {
      if (msg.type !== type) return;
      server.off('message', onMessage);
      exited = null;
      resolve(msg as T);
    };
    server.on('message', onMessage);
    exited = reject;
  });
}

async function storeCalls(): Promise<Record<string, number>> {
  const reply = next<{ counts: Record<string, number> }>('calls');
  server.send({ type: 'calls' });
  return (await reply).counts;
}

async function serverCpu(): Promise<number> {
  const reply = next<{ micros: number }>('cpu');
  server.send({ type: 'cpu' });
  return (await reply).micros;
}

const diff = (before: Record<string, number>, after: Record<string, number>, prefix: string) =>
  Object.entries(after).filter(([k]) => k.startsWith(prefix)).reduce((sum, [k, v]) => sum + v - (before[k] ?? 0), 0);

/** The floor comparison: CPU µs per request (or call) of each case. */
interface FloorSet { bare: number; floorKey: number; apiKey: number; apiKeyUnmetered: number; jwt: number; floorForged: number; forged: number }

/** The targets of issue 14, on one set of measurements (`mode`: in process, or under load). */
/** Metering's price: the API-key route's CPU per request with metering on, against off, in one run. */
function meteringTarget(mode: string, m: FloorSet): Target {
  const extra = (m.apiKey - m.apiKeyUnmetered) / m.apiKeyUnmetered;
  return { name: `${mode}: metering costs ≤ 10 % more server CPU per API-key request`, met: extra <= 0.1, detail: `${m.apiKey.toFixed(2)} µs metered vs ${m.apiKeyUnmetered.toFixed(2)} µs off (${(extra * 100).toFixed(1)} %)` };
}

function floorTargets(mode: string, m: FloorSet): Target[] {
  const key = m.apiKey - m.bare;
  const floorKey = m.floorKey - m.bare;
  const forged = m.forged - m.bare;
  const floorForged = m.floorForged - m.bare;
  const jwt = m.jwt - m.bare;
  const f = (n: number) => `${n >= 0 ? '+' : ''}${n.toFixed(2)} µs`;
  return [
    { name: `${mode}: API key ≤ 1.3× the floor's overhead`, met: key <= 1.3 * floorKey, detail: `${f(key)} vs floor ${f(floorKey)} (${(key / floorKey).toFixed(2)}×)` },
    { name: `${mode}: forged key ≤ 1.5× the floor's overhead`, met: forged <= 1.5 * floorForged, detail: `${f(forged)} vs floor ${f(floorForged)} (${(forged / floorForged).toFixed(2)}×)` },
    { name: `${mode}: cached JWT ≤ API key + 1 µs`, met: jwt <= key + 1, detail: `${f(jwt)} vs API key ${f(key)}` },
  ];
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** Several runs of one scenario as one: medians of rate, latency and CPU per request; counts summed. */
function combine(results: LoadResult[]): LoadResult {
  const statuses: Record<string, number> = {};
  for (const r of results) for (const [code, n] of Object.entries(r.statuses)) statuses[code] = (statuses[code] ?? 0) + n;
  return {
    rps: median(results.map((r) => r.rps)), p50: median(results.map((r) => r.p50)), p99: median(results.map((r) => r.p99)),
    requests: results.reduce((a, r) => a + r.requests, 0), statuses, errors: results.reduce((a, r) => a + r.errors, 0),
    serverCpuMicrosPerRequest: median(results.map((r) => r.serverCpuMicrosPerRequest ?? NaN)),
  };
}

const KEY_READS = 'apiKeys.findById';
const LIMIT_WRITES = 'rateLimits.take';

try {
  const ready = await next<ReadyMessage>('ready');
  const { url, seed } = ready;
  /** one load run, with the server's CPU time per request (robust to a load generator that saturates first) */
  const run = async (o: Omit<LoadOptions, 'connections' | 'durationSeconds'>, durationSeconds = options.durationSeconds): Promise<LoadResult> => {
    const cpuBefore = await serverCpu();
    const result = await load({ connections: options.connections, durationSeconds, ...o });
    result.serverCpuMicrosPerRequest = (await serverCpu() - cpuBefore) / Math.max(1, result.requests);
    return result;
  };
  const form = { 'content-type': 'application/x-www-form-urlencoded' };

  const want = (name: string) => (options.only.length === 0 || options.only.includes(name)) && (!options.inProcessOnly || name === 'inprocess');

  // credentials prepared before any measurement (the token endpoint is oidc-provider: its async
  // context is switched on for these requests and off again after them)
  const [repeatJwt] = await mintAccessTokens(url, seed.machine, 1);

  const rows: Row[] = [];
  const inProcessRows: InProcessRow[] = [];
  const targets: Target[] = [];
  const cases: Record<string, { path: string; headers?: Record<string, string> }> = {
    bare: { path: '/bare' },
    floorKey: { path: '/floor', headers: { 'x-api-key': seed.apiKey } },
    apiKey: { path: '/probe', headers: { 'x-api-key': seed.apiKey } },
    apiKeyUnmetered: { path: '/probe-unmetered', headers: { 'x-api-key': seed.apiKey } },
    jwt: { path: '/probe', headers: { authorization: `Bearer ${repeatJwt}` } },
    floorForged: { path: '/floor', headers: { 'x-api-key': seed.forgedKey } },
    forged: { path: '/probe', headers: { 'x-api-key': seed.forgedKey } },
  };
  const labels: Record<string, string> = {
    bare: 'bare route (no authentication)', floorKey: 'floor: plain Koa middleware, API key', apiKey: 'same route, API key', apiKeyUnmetered: 'same route, API key, metering off',
    jwt: 'same route, JWT (one repeated token)', floorForged: 'floor: plain Koa middleware, forged key', forged: 'same route, forged API key',
  };
  const names = Object.keys(cases) as Array<keyof FloorSet>;
  const withFloor = (name: keyof FloorSet, m: FloorSet) => {
    const overBare = m[name] - m.bare;
    const floor = name === 'apiKey' || name === 'apiKeyUnmetered' || name === 'jwt' ? m.floorKey - m.bare : name === 'forged' ? m.floorForged - m.bare : undefined;
    return { overBare: name === 'bare' ? undefined : overBare, toFloor: floor === undefined ? undefined : overBare / floor };
  };

  if (want('inprocess')) {
    const reply = next<{ results: Record<string, { micros: number; calls: Record<string, number> }>; contextOff: boolean; withAsyncContext: number | null }>('inprocess');
    server.send({
      type: 'inprocess', iterations: options.iterations, rounds: Math.max(options.rounds, options.smoke ? 1 : 5),
      cases: names.map((name) => ({ name, ...cases[name] })), asyncContextCase: { name: 'apiKey', ...cases.apiKey },
    });
    const { results, contextOff, withAsyncContext } = await reply;
    const inProcessCalls = results.forged.calls;
    const m = Object.fromEntries(names.map((n) => [n, results[n].micros])) as unknown as FloorSet;
    for (const name of names) inProcessRows.push({ name: labels[name], micros: m[name], ...withFloor(name, m) });
    if (withAsyncContext !== null) inProcessRows.push({ name: "same route, API key, oidc-provider's async context on", micros: withAsyncContext, overBare: withAsyncContext - m.bare, note: 'what it cost before the context was scoped to provider requests' });
    targets.push(...floorTargets('in process', m), meteringTarget('in process', m));

    const reads = inProcessCalls[KEY_READS] ?? 0;
    const writes = inProcessCalls[LIMIT_WRITES] ?? 0;
    targets.push({ name: 'in process: forged keys cost 0 store reads and 0 store writes (first failures of an address)', met: reads === 0 && writes === 0, detail: `${reads} API-key reads, ${writes} rate-limit writes in ${options.iterations * Math.max(options.rounds, 5)} forged requests from one address` });
    targets.push({ name: "resource-server routes run with oidc-provider's async context off", met: contextOff, detail: `${contextOff ? 'off' : 'ON'} after the provider served a token request${withAsyncContext !== null ? `; on, the API-key call costs ${withAsyncContext.toFixed(2)} µs instead of ${m.apiKey.toFixed(2)}` : ''}` });
  }

  // the other scenarios' credentials, after the in-process measurement (a fresh heap for it)
  const freshPool = want('jwtfresh') ? await mintAccessTokens(url, seed.machine, options.freshTokens) : [];
  const refreshPool = want('refresh') ? await Promise.all(Array.from({ length: options.connections + 2 }, () => refreshTokenFor(url, seed.web, seed.user))) : [];
  const loginPage = want('login') ? await openLoginPage(url, seed.web) : { action: '', csrf: '', cookie: '' };

  if (options.warmupSeconds && !options.inProcessOnly) {
    await run({ url: `${url}/bare` }, options.warmupSeconds);
    await run({ url: `${url}/probe`, headers: { 'x-api-key': seed.apiKey } }, options.warmupSeconds);
    await run({ url: `${url}/floor`, headers: { 'x-api-key': seed.apiKey } }, options.warmupSeconds);
  }

  let bare: LoadResult | null = null;
  if (want('floor')) {
    // rounds of every case back to back: a change in the machine's load touches them all alike
    const runs = new Map<keyof FloorSet, LoadResult[]>(names.map((n) => [n, []]));
    const before = await storeCalls();
    let forgedCalls = { reads: 0, writes: 0 };
    for (let round = 0; round < options.rounds; round++) {
      for (const name of names) {
        const ahead = name === 'forged' ? await storeCalls() : null;
        runs.get(name)!.push(await run({ url: `${url}${cases[name].path}`, headers: cases[name].headers }));
        if (ahead) {
          const after = await storeCalls();
          forgedCalls = { reads: forgedCalls.reads + diff(ahead, after, KEY_READS), writes: forgedCalls.writes + diff(ahead, after, LIMIT_WRITES) };
        }
      }
    }
    void before;
    const combined = Object.fromEntries(names.map((n) => [n, combine(runs.get(n)!)])) as Record<keyof FloorSet, LoadResult>;
    const m = Object.fromEntries(names.map((n) => [n, combined[n].serverCpuMicrosPerRequest!])) as unknown as FloorSet;
    bare = combined.bare;
    for (const name of names) {
      rows.push({
        name: labels[name], result: combined[name], expected: name.toLowerCase().includes('forged') ? 401 : 200,
        ratio: name === 'bare' ? undefined : { to: 'bare', value: combined[name].rps / combined.bare.rps },
        overhead: name === 'bare' ? undefined : withFloor(name, m) as Row['overhead'],
        note: options.rounds > 1 ? `median of ${options.rounds} rounds` : undefined,
      });
    }
    rows.find((r) => r.name === labels.forged)!.note += `; store during it: ${forgedCalls.reads} API-key reads, ${forgedCalls.writes} rate-limit writes`;
    targets.push(...floorTargets('under load', m), meteringTarget('under load', m));
    targets.push({ name: 'under load: forged keys cost 0 store reads and 0 store writes', met: forgedCalls.reads === 0 && forgedCalls.writes === 0, detail: `${forgedCalls.reads} API-key reads, ${forgedCalls.writes} rate-limit writes in ${combined.forged.requests} forged requests from one address` });
  }
  const bareRun = async () => bare ?? (bare = await run({ url: `${url}/bare` }));

  /** A protected-route scenario, compared with the bare route's rate. */
  const routeScenario = async (name: string, o: Omit<LoadOptions, 'connections' | 'durationSeconds'>, expected: number, note?: string) => {
    const reference = await bareRun();
    const result = await run(o);
    rows.push({ name, result, expected, ratio: { to: 'bare', value: result.rps / reference.rps }, overhead: { overBare: result.serverCpuMicrosPerRequest! - reference.serverCpuMicrosPerRequest! }, note });
    return result.rps / reference.rps;
  };

  if (want('calibration')) {
    await routeScenario('calibration: bare + the three RateLimit-* headers', { url: `${url}/bare-headers` }, 200, 'no authentication');
    await routeScenario('calibration: bare + 2 µs of CPU (busy-wait)', { url: `${url}/bare-spin` }, 200, 'what a fixed 2 µs costs here');
  }
  if (want('jwtfresh')) {
    let i = 0;
    await routeScenario(`same route, JWT (pool of ${freshPool.length} distinct tokens)`,
      { url: `${url}/probe`, setup: () => ({ headers: { authorization: `Bearer ${freshPool[i++ % freshPool.length]}` } }) }, 200,
      freshPool.length > 10_000 ? 'pool > verifier cache: every request verifies a signature' : 'pool fits the cache');
  }
  if (want('cc')) {
    // rounds of the three back to back, medians (as for introspection): a shift in the machine's
    // load between one scenario and the next would otherwise move the ratio by itself
    const ccRuns: LoadResult[] = [];
    const baselineRuns: LoadResult[] = [];
    const eddsaRuns: LoadResult[] = [];
    const calls: Array<readonly [string, number]> = [];
    for (let round = 0; round < options.rounds; round++) {
      const ccBefore = await storeCalls();
      ccRuns.push(await run({ url: `${url}/token`, method: 'POST', headers: { ...form, authorization: basicAuth(seed.machine.id, seed.machine.secret) }, body: 'grant_type=client_credentials&scope=users%3Aread' }));
      calls.push(...Object.entries(await storeCalls()).map(([k, v]) => [k, v - (ccBefore[k] ?? 0)] as const));
      baselineRuns.push(await run({ url: `${ready.baselineUrl}/token`, method: 'POST', headers: { ...form, authorization: basicAuth(ready.baselineClient.id, ready.baselineClient.secret) }, body: 'grant_type=client_credentials' }));
      eddsaRuns.push(await run({ url: `${ready.eddsa.url}/token`, method: 'POST', headers: { ...form, authorization: basicAuth(ready.eddsa.machine.id, ready.eddsa.machine.secret) }, body: 'grant_type=client_credentials&scope=users%3Aread' }));
    }
    const [cc, baseline, eddsa] = [combine(ccRuns), combine(baselineRuns), combine(eddsaRuns)];
    const ccCalls = new Map<string, number>();
    for (const [k, n] of calls) ccCalls.set(k, (ccCalls.get(k) ?? 0) + n);
    const perToken = [...ccCalls].filter(([, n]) => n > 0).map(([k, n]) => `${k} ${(n / Math.max(1, cc.requests)).toFixed(2)}`).join(', ');
    rows.push({ name: 'token endpoint, client_credentials (JWT, SQLite)', result: cc, expected: 200, ratio: { to: 'baseline', value: cc.rps / baseline.rps }, note: `RS256 (the default); median of ${options.rounds} rounds interleaved with the next two rows; store calls per token: ${perToken || 'none'}` });
    rows.push({ name: 'same, EdDSA signing key', result: eddsa, expected: 200, ratio: { to: 'baseline', value: eddsa.rps / baseline.rps }, note: 'a second Gatehouse with oauth.signingAlg EdDSA' });
    rows.push({ name: 'oidc-provider baseline, client_credentials (memory)', result: baseline, expected: 200, note: 'opaque token, in-memory adapter' });
    // where the code stood before the resource-server work (50e5b2e), measured side by side on the development machine: 4.06× and 4.05×
    const ccCpu = cc.serverCpuMicrosPerRequest! / baseline.serverCpuMicrosPerRequest!;
    targets.push({ name: "client_credentials ≤ 4.1× oidc-provider in-memory's CPU per token (no worse than before)", met: ccCpu <= 4.1, detail: `${ccCpu.toFixed(2)}× (${cc.serverCpuMicrosPerRequest!.toFixed(0)} vs ${baseline.serverCpuMicrosPerRequest!.toFixed(0)} µs); ${(cc.rps / baseline.rps).toFixed(2)}× its rate; EdDSA: ${(eddsa.rps / baseline.rps).toFixed(2)}×` });
  }
  if (want('refresh')) {
    // autocannon resets a connection's context on every request, so unused refresh tokens wait in
    // one queue: a request takes one, its response puts the rotated successor back
    const refresh = await run({
      url: `${url}/token`, method: 'POST', headers: { ...form, authorization: basicAuth(seed.web.id, seed.web.secret) },
      setup: () => {
        const token = refreshPool.shift();
        return token ? { body: `grant_type=refresh_token&refresh_token=${encodeURIComponent(token)}` } : null;
      },
      onResponse: (status, body) => {
        if (status === 200) refreshPool.push((JSON.parse(body) as { refresh_token: string }).refresh_token);
      },
    });
    rows.push({ name: 'token endpoint, refresh_token (rotating)', result: refresh, expected: 200, note: `${options.connections + 2} rotating chains` });
  }
  if (want('introspection')) {
    // rounds of the bare route and introspection back to back, medians: the same state of the machine for both
    const bares: LoadResult[] = [];
    const introspections: LoadResult[] = [];
    for (let round = 0; round < options.rounds; round++) {
      bares.push(await run({ url: `${url}/bare` }));
      introspections.push(await run({
        url: `${url}/token/introspection`, method: 'POST', headers: { ...form, authorization: basicAuth(seed.introspector.id, seed.introspector.secret) },
        body: `token=${seed.apiKey}`,
      }));
    }
    const reference = combine(bares);
    const introspection = combine(introspections);
    const introspectionCpu = introspection.serverCpuMicrosPerRequest! / reference.serverCpuMicrosPerRequest!;
    rows.push({ name: 'introspection of an API key', result: introspection, expected: 200, ratio: { to: 'bare', value: introspection.rps / reference.rps }, overhead: { overBare: introspection.serverCpuMicrosPerRequest! - reference.serverCpuMicrosPerRequest! }, note: `median of ${options.rounds} rounds, each after a bare run (${reference.serverCpuMicrosPerRequest!.toFixed(1)} µs/req)` });
    // where the code stood before the resource-server work (50e5b2e), measured side by side the same way: 2.26× and 2.51×
    targets.push({ name: "API-key introspection ≤ 2.6× the bare route's CPU per request (no worse than before)", met: introspectionCpu <= 2.6, detail: `${introspectionCpu.toFixed(2)}× (${introspection.serverCpuMicrosPerRequest!.toFixed(1)} µs); ${introspection.rps.toFixed(0)}/s` });
  }
  if (want('login')) {
    const login = await run({
      url: loginPage.action, method: 'POST', headers: { ...form, cookie: loginPage.cookie },
      body: new URLSearchParams({ csrf: loginPage.csrf, email: seed.user.email, password: 'wrong password' }).toString(),
    });
    rows.push({ name: 'login form POST (argon2id verify)', result: login, expected: 200, note: 'wrong password: same hash work, repeatable' });
  }
  process.stdout.write(`${render(inProcessRows, rows, targets, { ...options })}\n`);
  process.stdout.write(`BENCH_JSON ${JSON.stringify({
    options, inProcess: inProcessRows,
    rows: rows.map((r) => ({ name: r.name, rps: r.result.rps, p50: r.result.p50, p99: r.result.p99, cpu: r.result.serverCpuMicrosPerRequest, statuses: r.result.statuses, expected: r.expected, ratio: r.ratio, overhead: r.overhead })),
    targets,
  })}\n`);
} finally {
  server.send({ type: 'stop' });
  await new Promise((r) => server.once('exit', r));
}
