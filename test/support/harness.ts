import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/load.js';
import type { Config } from '../../src/config/schema.js';
import { createGatehouse, type Gatehouse, type GatehouseOptions } from '../../src/gatehouse.js';

/**
 * A configuration for tests: in-memory SQLite, a fresh secret, silent logs, a data directory of
 * its own (mail without SMTP lands in its `outbox/`), plus overrides.
 */
export function testConfig(overrides: Record<string, unknown> = {}): Config {
  return loadConfig({
    env: { NODE_ENV: 'test' },
    overrides: {
      secret: randomBytes(32).toString('base64url'), databaseUrl: 'sqlite::memory:',
      dataDir: mkdtempSync(join(tmpdir(), 'gatehouse-test-')), ...overrides,
    },
  });
}

/** A Gatehouse on in-memory SQLite, not listening (use `request(gh.app.callback())`). */
export async function createTestGatehouse(overrides: Record<string, unknown> = {}, options: GatehouseOptions = {}): Promise<Gatehouse> {
  return createGatehouse(testConfig(overrides), options);
}

export interface RunningGatehouse {
  gatehouse: Gatehouse;
  server: Server;
  /** e.g. http://127.0.0.1:41234, also the issuer */
  url: string;
  stop(): Promise<void>;
}

/**
 * A Gatehouse listening on 127.0.0.1 on a free port, with the issuer set to that address (so
 * discovery, redirects and token `iss` match what a real client sees). `issuerHost: 'localhost'`
 * names it `http://localhost:<port>` instead (WebAuthn takes a domain as its RP ID, never an IP).
 */
export async function startTestServer(overrides: Record<string, unknown> = {},
  options: GatehouseOptions & { issuerHost?: 'localhost' } = {}): Promise<RunningGatehouse> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://${options.issuerHost ?? '127.0.0.1'}:${port}`;
  const gatehouse = await createTestGatehouse({ port, issuer: url, ...overrides }, options);
  server.on('request', gatehouse.app.callback());
  return {
    gatehouse, server, url,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await gatehouse.close();
    },
  };
}
