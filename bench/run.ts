import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { load, type LoadOptions, type LoadResult } from './load.js';
import { basicAuth, mintAccessTokens, openLoginPage, refreshTokenFor } from './oauth-flow.js';
import { benchOptions } from './options.js';
import { render, type Row, type Target } from './report.js';
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

  const want = (name: string) => options.only.length === 0 || options.only.includes(name);

  // credentials prepared before any measurement
  const [repeatJwt] = await mintAccessTokens(url, seed.machine, 1);
  const freshPool = want('jwtfresh') ? await mintAccessTokens(url, seed.machine, options.freshTokens) : [];
  const refreshPool = want('refresh') ? await Promise.all(Array.from({ length: options.connections + 2 }, () => refreshTokenFor(url, seed.web, seed.user))) : [];
  const loginPage = want('login') ? await openLoginPage(url, seed.web) : { action: '', csrf: '', cookie: '' };

  if (options.warmupSeconds) {
    await run({ url: `${url}/bare` }, options.warmupSeconds);
    await run({ url: `${url}/probe`, headers: { 'x-api-key': seed.apiKey } }, options.warmupSeconds);
  }

  const rows: Row[] = [];
  const targets: Target[] = [];
  const bareRun = () => run({ url: `${url}/bare` });
  const bare = await bareRun();
  rows.push({ name: 'bare route (no authentication)', result: bare, expected: 200 });

  /**
   * A protected-route scenario, with the bare route measured again just before it: the ratio
   * compares two neighbouring runs, so drift in the machine's load does not skew it.
   */
  const routeScenario = async (name: string, o: Omit<LoadOptions, 'connections' | 'durationSeconds'>, expected: number, note?: string) => {
    // smoke mode checks the shape only: no second bare run
    const reference = options.smoke ? bare : await bareRun();
    const result = await run(o);
    rows.push({ name, result, expected, ratio: { to: 'bare', value: result.rps / reference.rps }, note: `${note ? `${note}; ` : ''}bare just before: ${reference.rps.toFixed(0)}/s` });
    return result.rps / reference.rps;
  };

  if (want('calibration')) {
    await routeScenario('calibration: bare + the three RateLimit-* headers', { url: `${url}/bare-headers` }, 200, 'no authentication');
    await routeScenario('calibration: bare + 2 µs of CPU (busy-wait)', { url: `${url}/bare-spin` }, 200, 'what a fixed 2 µs costs here');
  }
  if (want('apikey')) {
    const ratio = await routeScenario('same route, API key', { url: `${url}/probe`, headers: { 'x-api-key': seed.apiKey } }, 200);
    targets.push({ name: 'API-key route ≥ 0.85× bare', met: ratio >= 0.85, detail: `${ratio.toFixed(2)}×` });
  }
  if (want('jwt')) {
    const ratio = await routeScenario('same route, JWT (one repeated token)', { url: `${url}/probe`, headers: { authorization: `Bearer ${repeatJwt}` } }, 200);
    targets.push({ name: 'JWT route (repeat) ≥ 0.8× bare', met: ratio >= 0.8, detail: `${ratio.toFixed(2)}×` });
  }
  if (want('jwtfresh')) {
    let i = 0;
    await routeScenario(`same route, JWT (pool of ${freshPool.length} distinct tokens)`,
      { url: `${url}/probe`, setup: () => ({ headers: { authorization: `Bearer ${freshPool[i++ % freshPool.length]}` } }) }, 200,
      freshPool.length > 10_000 ? 'pool > verifier cache: every request verifies a signature' : 'pool fits the cache');
  }
  if (want('forged')) {
    const before = await storeCalls();
    const ratio = await routeScenario('same route, forged API key', { url: `${url}/probe`, headers: { 'x-api-key': seed.forgedKey } }, 401);
    const after = await storeCalls();
    const reads = diff(before, after, 'apiKeys.findById');
    rows.at(-1)!.note += `; store during it: ${reads} API-key reads, ${diff(before, after, '')} calls in all (failed-auth leases, key-cache poller)`;
    targets.push({ name: 'forged key ≥ 0.9× bare with 0 store reads', met: ratio >= 0.9 && reads === 0, detail: `${ratio.toFixed(2)}×, ${reads} API-key reads` });
  }
  if (want('cc')) {
    const ccBefore = await storeCalls();
    const cc = await run({ url: `${url}/token`, method: 'POST', headers: { ...form, authorization: basicAuth(seed.machine.id, seed.machine.secret) }, body: 'grant_type=client_credentials&scope=users%3Aread' });
    const ccCalls = Object.entries(await storeCalls()).map(([k, v]) => [k, v - (ccBefore[k] ?? 0)] as const).filter(([, n]) => n > 0);
    const perToken = ccCalls.map(([k, n]) => `${k} ${(n / Math.max(1, cc.requests)).toFixed(2)}`).join(', ');
    const baseline = await run({ url: `${ready.baselineUrl}/token`, method: 'POST', headers: { ...form, authorization: basicAuth(ready.baselineClient.id, ready.baselineClient.secret) }, body: 'grant_type=client_credentials' });
    const eddsa = await run({ url: `${ready.eddsa.url}/token`, method: 'POST', headers: { ...form, authorization: basicAuth(ready.eddsa.machine.id, ready.eddsa.machine.secret) }, body: 'grant_type=client_credentials&scope=users%3Aread' });
    rows.push({ name: 'token endpoint, client_credentials (JWT, SQLite)', result: cc, expected: 200, ratio: { to: 'baseline', value: cc.rps / baseline.rps }, note: `RS256 (the default); store calls per token: ${perToken || 'none'}` });
    rows.push({ name: 'same, EdDSA signing key', result: eddsa, expected: 200, ratio: { to: 'baseline', value: eddsa.rps / baseline.rps }, note: 'a second Gatehouse with oauth.signingAlg EdDSA' });
    rows.push({ name: 'oidc-provider baseline, client_credentials (memory)', result: baseline, expected: 200, note: 'opaque token, in-memory adapter' });
    targets.push({ name: 'client_credentials ≥ 0.8× oidc-provider in-memory', met: cc.rps >= 0.8 * baseline.rps, detail: `${(cc.rps / baseline.rps).toFixed(2)}× (RS256); EdDSA: ${(eddsa.rps / baseline.rps).toFixed(2)}×` });
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
    const introspection = await run({
      url: `${url}/token/introspection`, method: 'POST', headers: { ...form, authorization: basicAuth(seed.introspector.id, seed.introspector.secret) },
      body: `token=${seed.apiKey}`,
    });
    rows.push({ name: 'introspection of an API key', result: introspection, expected: 200 });
    targets.push({ name: 'API-key introspection ≥ 15k/s', met: introspection.rps >= 15_000, detail: `${introspection.rps.toFixed(0)}/s` });
  }
  if (want('login')) {
    const login = await run({
      url: loginPage.action, method: 'POST', headers: { ...form, cookie: loginPage.cookie },
      body: new URLSearchParams({ csrf: loginPage.csrf, email: seed.user.email, password: 'wrong password' }).toString(),
    });
    rows.push({ name: 'login form POST (argon2id verify)', result: login, expected: 200, note: 'wrong password: same hash work, repeatable' });
  }
  process.stdout.write(`${render(rows, targets, { ...options })}\n`);
  process.stdout.write(`BENCH_JSON ${JSON.stringify({ options, rows: rows.map((r) => ({ name: r.name, rps: r.result.rps, p50: r.result.p50, p99: r.result.p99, statuses: r.result.statuses, expected: r.expected, ratio: r.ratio })), targets })}\n`);
} finally {
  server.send({ type: 'stop' });
  await new Promise((r) => server.once('exit', r));
}
