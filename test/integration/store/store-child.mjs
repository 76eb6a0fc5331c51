// A separate Gatehouse-like process for the store's multi-process and durability tests. It uses
// the built adapter (dist/, made by `npm run build`, which `npm test` runs first) so it needs no
// TypeScript loader. Protocol: one line per event on stdout; "ready" once the store is open, then
// it waits for "go" on stdin where the test needs a start barrier.
import { createInterface } from 'node:readline';

const { openStore } = await import(new URL('../../../dist/src/store/open.js', import.meta.url).href);
const [mode, url, ...args] = process.argv.slice(2);
const store = await openStore(url);
const say = (line) => process.stdout.write(`${line}\n`);

const go = () => new Promise((resolve) => {
  const rl = createInterface({ input: process.stdin });
  rl.once('line', () => { rl.close(); resolve(); });
});

if (mode === 'write') {
  // write until killed; "ack <i>" only after the write's promise resolved
  say('ready');
  for (let i = 0; ; i++) {
    const now = new Date();
    const id = `key_${String(i).padStart(8, '0')}`;
    await store.apiKeys.create({
      id, organizationId: 'org_durable', name: `k${i}`, environment: 'live', digest: `d${i}`, start: 'abc',
      permissions: ['a:read'], expiresAt: null, ipAllowlist: [], rateLimit: null, createdBy: 'cli',
      createdAt: now, updatedAt: now, revokedAt: null, rotatedTo: null, disabledAt: null, metadata: {},
    });
    await store.usage.record([{ keyId: id, day: '2030-01-01', count: 1, lastUsedAt: now }]);
    say(`ack ${i}`);
  }
} else if (mode === 'take') {
  const [bucket, n, limit, now] = args.map((a, i) => (i === 0 ? a : Number(a)));
  say('ready');
  await go();
  let allowed = 0;
  for (let i = 0; i < n; i++) if ((await store.rateLimits.take({ bucket, windowMs: 60_000, limit, cost: 1, now })).allowed) allowed++;
  say(`allowed ${allowed}`);
} else if (mode === 'create-capped') {
  const [org, n, cap] = [args[0], Number(args[1]), Number(args[2])];
  say('ready');
  await go();
  let created = 0;
  for (let i = 0; i < n; i++) {
    const now = new Date();
    const id = `key_${process.pid}_${i}`;
    const r = await store.apiKeys.create({
      id, organizationId: org, name: id, environment: 'test', digest: id, start: 'x', permissions: [], expiresAt: null,
      ipAllowlist: [], rateLimit: null, createdBy: 'cli', createdAt: now, updatedAt: now, revokedAt: null, rotatedTo: null, disabledAt: null, metadata: {},
    }, { maxActive: cap, now });
    if (r === 'created') created++;
  }
  say(`created ${created}`);
} else if (mode === 'consume') {
  const [count] = args.map(Number);
  say('ready');
  await go();
  let won = 0;
  for (let i = 0; i < count; i++) if (await store.oidc.consume('AuthorizationCode', `code_${i}`, process.pid)) won++;
  say(`won ${won}`);
} else {
  throw new Error(`unknown mode ${mode}`);
}
await store.close();
// stdin (read for the start barrier) would otherwise keep the process alive
process.exit(0);
