import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Provider from 'oidc-provider';
import { loadConfig } from '../src/config/load.js';
import { createGatehouse } from '../src/gatehouse.js';
import { openStore } from '../src/store/open.js';
import { countingStore } from './counting-store.js';
import { hash } from 'node:crypto';
import providerStorage from 'oidc-provider/lib/helpers/als.js';
import { providerContextEnabled } from '../src/oauth/provider-async-context.js';
import { UNAUTHORIZED } from '../src/resource-server/core/refusals.js';
import { floorMiddleware, type FloorKey } from './floor.js';
import { measureInProcess, type InProcessCase } from './in-process.js';
import { PROBE_PERMISSION, probeApp, probeListener } from './probe-app.js';
import { seedBench, type BenchSeed } from './seed.js';

/**
 * The benchmark's server process: a real Gatehouse on a file-backed SQLite store in a temp
 * directory (its store calls counted), fronted by `probeApp` (`/bare`, `/probe`), plus a bare
 * oidc-provider with its in-memory adapter as the baseline. Driven over IPC by `run.ts`:
 * it sends `{ready}` with the URLs and seeded credentials, answers `calls` with the store-call
 * counts, and exits on `stop`.
 */
export interface ReadyMessage {
  type: 'ready';
  url: string;
  baselineUrl: string;
  baselineClient: { id: string; secret: string };
  seed: BenchSeed;
  /** a second Gatehouse (own SQLite file) whose access tokens are signed with EdDSA */
  eddsa: { url: string; machine: BenchSeed['machine'] };
}

const listen = async (server: Server): Promise<string> => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
};

const dir = mkdtempSync(join(tmpdir(), 'gatehouse-bench-'));
const raw = await openStore(`sqlite:${join(dir, 'gatehouse.db')}`);
const { store, calls } = countingStore(raw);

const server = createServer();
server.keepAliveTimeout = 60_000;
const url = await listen(server);
const unlimited = { limit: 1_000_000_000, windowSeconds: 60 };
const benchConfig = (issuer: string, signingAlg: 'RS256' | 'EdDSA') => loadConfig({
  env: { NODE_ENV: 'test' },
  overrides: {
    issuer, port: Number(new URL(issuer).port), secret: randomBytes(32).toString('base64url'), logLevel: 'silent',
    oauth: { signingAlg },
    // the benchmark measures cost, not policy: limits far above what it can send
    plans: { free: { maxActiveKeys: 100, rateLimit: unlimited } },
    throttles: { failedAuthPerIp: unlimited, loginPerAccount: unlimited, loginPerIp: unlimited },
  },
});
// RS256 is the default signing algorithm (SPEC): the main instance keeps it
const gatehouse = await createGatehouse(benchConfig(url, 'RS256'), { store });
const seed = await seedBench(gatehouse);
// the floor knows the seeded key as a plain Map entry, under the same plan limit
const seededKey = (await gatehouse.store.apiKeys.findById(seed.apiKeyId))!;
const floorKeys = new Map<string, FloorKey>([[hash('sha256', seed.apiKey, 'base64url'), {
  principal: { type: 'api_key', subject: seededKey.id, organization: seededKey.organizationId!, permissions: [...seededKey.permissions] },
  bucket: `org:${seededKey.organizationId}`, limit: unlimited.limit, windowMs: unlimited.windowSeconds * 1000,
}]]);
const floor = floorMiddleware(gatehouse.secrets, floorKeys, PROBE_PERMISSION, { body: UNAUTHORIZED.json(), challenge: UNAUTHORIZED.headers['WWW-Authenticate'] });
server.on('request', probeListener(gatehouse, floor));
const probe = probeApp(gatehouse, floor).callback() as (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => Promise<unknown>;

// the same token endpoint with EdDSA keys, to show what the signing algorithm costs per token
const rawEddsa = await openStore(`sqlite:${join(dir, 'gatehouse-eddsa.db')}`);
const eddsaServer = createServer();
eddsaServer.keepAliveTimeout = 60_000;
const eddsaUrl = await listen(eddsaServer);
const eddsaGatehouse = await createGatehouse(benchConfig(eddsaUrl, 'EdDSA'), { store: rawEddsa });
eddsaServer.on('request', eddsaGatehouse.app.callback());
const eddsaSeed = await seedBench(eddsaGatehouse);

const baselineClient = { id: 'baseline', secret: randomBytes(24).toString('base64url') };
const baselineServer = createServer();
baselineServer.keepAliveTimeout = 60_000;
const baselineUrl = await listen(baselineServer);
const provider = new Provider(baselineUrl, {
  clients: [{ client_id: baselineClient.id, client_secret: baselineClient.secret, grant_types: ['client_credentials'], redirect_uris: [], response_types: [] }],
  features: { clientCredentials: { enabled: true } },
});
baselineServer.on('request', provider.callback());

/** The in-process measurement (`--in-process`): the probe app's handler called directly, no sockets. */
async function inProcess(msg: { cases: InProcessCase[]; iterations: number; rounds: number; asyncContextCase?: InProcessCase }) {
  const results = await measureInProcess(probe, msg.cases, { ...msg, storeCalls: () => calls.counts });
  const contextOff = !providerContextEnabled();
  let withAsyncContext: number | null = null;
  if (msg.asyncContextCase) {
    // what the same path costs with oidc-provider's AsyncLocalStorage left on (as it was before it was scoped)
    providerStorage.run({}, () => undefined);
    withAsyncContext = (await measureInProcess(probe, [msg.asyncContextCase], msg))[msg.asyncContextCase.name].micros;
    providerStorage.disable();
  }
  return { results, contextOff, withAsyncContext };
}

process.on('message', async (msg: { type: string }) => {
  if (msg.type === 'inprocess') process.send!({ type: 'inprocess', ...(await inProcess(msg as never)) });
  if (msg.type === 'calls') process.send!({ type: 'calls', counts: Object.fromEntries(calls.counts) });
  if (msg.type === 'cpu') {
    const { user, system } = process.cpuUsage();
    process.send!({ type: 'cpu', micros: user + system });
  }
  if (msg.type === 'stop') {
    for (const s of [server, baselineServer, eddsaServer]) s.closeAllConnections();
    await gatehouse.close();
    await eddsaGatehouse.close();
    await raw.close();
    await rawEddsa.close();
    rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  }
});
process.send!({ type: 'ready', url, baselineUrl, baselineClient, seed, eddsa: { url: eddsaUrl, machine: eddsaSeed.machine } } satisfies ReadyMessage);
