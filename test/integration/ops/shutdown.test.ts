import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { request, Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { freePort, startServerProcess, type ServerProcess } from './server-process.js';

let dir: string;
beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'gatehouse-shutdown-')); });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function start(): Promise<{ server: ServerProcess; base: string; db: string }> {
  const port = await freePort();
  const db = join(dir, `gh-${port}.db`);
  const server = startServerProcess({
    NODE_ENV: 'development', PORT: String(port), LOG_LEVEL: 'info',
    GATEHOUSE_SECRET: randomBytes(32).toString('base64url'),
    DATABASE_URL: `sqlite:${db}`, GATEHOUSE_DATA_DIR: dir,
  });
  await server.waitFor(/gatehouse listening/);
  return { server, base: `http://127.0.0.1:${port}`, db };
}

function logLines(server: ServerProcess): Array<Record<string, unknown>> {
  return server.stdout().split('\n').filter(Boolean).map((l) => JSON.parse(l));
}

describe('graceful shutdown', () => {
  it('exits 0 on SIGTERM, logging "stopped" after the store closed, despite an idle keep-alive connection', async () => {
    const { server, base, db } = await start();
    const agent = new Agent({ keepAlive: true });
    const ready = await fetchVia(agent, `${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(existsSync(`${db}-wal`)).toBe(true); // SQLite in WAL mode, open

    server.child.kill('SIGTERM');
    const started = Date.now();
    expect(await server.exited).toBe(0);
    // the 10 s force-close timer was not needed: idle connections are closed at once
    expect(Date.now() - started).toBeLessThan(8_000);
    agent.destroy();

    const messages = logLines(server).map((l) => l.msg);
    const shutting = messages.findIndex((m) => typeof m === 'string' && m.startsWith('shutting down'));
    expect(shutting).toBeGreaterThanOrEqual(0);
    expect(messages.indexOf('stopped')).toBeGreaterThan(shutting);
    // the last connection closed cleanly: SQLite checkpointed and removed its write-ahead log
    expect(existsSync(`${db}-wal`)).toBe(false);
  }, 20_000);

  it('finishes a request that is in flight when SIGTERM arrives, then exits 0', async () => {
    const { server, base } = await start();
    const discovery = (await (await fetch(`${base}/.well-known/openid-configuration`)).json()) as { token_endpoint: string };
    const body = 'grant_type=client_credentials&client_id=nobody';

    // the token endpoint reads the whole body before answering: send half, signal, send the rest.
    // A keep-alive agent that never drops idle sockets: the server must close the connection itself.
    const agent = new Agent({ keepAlive: true });
    let answeredAt = 0;
    const response = new Promise<number>((resolve, reject) => {
      const req = request(discovery.token_endpoint.replace(/^http:\/\/[^/]+/, base), {
        agent, method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) },
      }, (res) => { res.resume(); res.on('end', () => resolve(res.statusCode!)); });
      req.on('error', reject);
      req.write(body.slice(0, 10));
      setTimeout(() => {
        server.child.kill('SIGTERM');
        setTimeout(() => req.end(body.slice(10)), 500);
      }, 200);
    });
    const status = await response;
    answeredAt = Date.now();
    expect(status).toBeGreaterThanOrEqual(400); // the unknown client is refused, but it is answered
    expect(status).toBeLessThan(500);
    expect(await server.exited).toBe(0);
    // the connection, idle once answered, is closed promptly rather than at the 10 s force-close
    expect(Date.now() - answeredAt).toBeLessThan(5_000);
    agent.destroy();
    expect(logLines(server).some((l) => l.msg === 'stopped')).toBe(true);
  }, 20_000);
});

function fetchVia(agent: Agent, url: string): Promise<{ status: number }> {
  return new Promise((resolve, reject) => {
    request(url, { agent }, (res) => { res.resume(); res.on('end', () => resolve({ status: res.statusCode! })); }).on('error', reject).end();
  });
}
