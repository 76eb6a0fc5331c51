// A separate Gatehouse process for the resource server's multi-process tests, built from dist/
// (`npm run build`; `npm test` builds first). Argument: a JSON object of config overrides (it must
// name databaseUrl and secret). It listens on 127.0.0.1, prints "ready <url>", and serves
// /probe (authenticate + users:read) in front of the whole Gatehouse app; SIGTERM closes it.
import { createServer } from 'node:http';

const dist = (p) => new URL(`../../../dist/${p}`, import.meta.url).href;
const { loadConfig } = await import(dist('src/config/load.js'));
const { createGatehouse } = await import(dist('src/gatehouse.js'));
const { probeListener } = await import(dist('bench/probe-app.js'));

const overrides = JSON.parse(process.argv[2]);
const server = createServer();
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${server.address().port}`;
const config = loadConfig({ env: { NODE_ENV: 'test' }, overrides: { issuer: url, port: server.address().port, ...overrides } });
const gatehouse = await createGatehouse(config);
server.on('request', probeListener(gatehouse));
process.stdout.write(`ready ${url}\n`);
process.on('SIGTERM', async () => {
  server.closeAllConnections();
  server.close();
  await gatehouse.close();
  process.exit(0);
});
