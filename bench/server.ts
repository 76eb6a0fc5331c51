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
import { probeListener } from './probe-app.js';
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
server.on('request', probeListener(gatehouse));
const seed = await seedBench(gatehouse);

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

process.on('message', async (msg: { type: string }) => {
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
