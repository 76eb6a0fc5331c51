import { createServer } from 'node:http';
import { OPERATOR } from './audit/actor.js';
import { ConfigError, loadConfig } from './config/load.js';
import { createGatehouse } from './gatehouse.js';

/** `npm start`: load the configuration, serve, and shut down gracefully on SIGTERM/SIGINT. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      for (const line of err.problems) process.stderr.write(`config error: ${line}\n`);
      process.exit(1);
    }
    throw err;
  }

  const gatehouse = await createGatehouse(config);
  const { logger } = gatehouse;
  // a plan's `platformPermissions` may have changed since the last start: what it withholds
  // now leaves its organizations' roles, keys and clients before anything is served
  const withheld = await gatehouse.identity.permissionRemoval.reconcilePlans(OPERATOR);
  if (withheld.roles || withheld.clients || withheld.apiKeyIds.length) {
    logger.info({ roles: withheld.roles, apiKeys: withheld.apiKeyIds.length, clients: withheld.clients }, 'permissions their plans withhold were taken away');
  }
  const server = createServer(gatehouse.app.callback());
  server.keepAliveTimeout = 65_000;

  server.on('error', (err: NodeJS.ErrnoException) => {
    process.stderr.write(`cannot listen on port ${config.port}: ${err.code ?? err.message}\n`);
    process.exit(1);
  });
  server.listen(config.port, () => {
    logger.info({ port: config.port, issuer: config.issuer, store: gatehouse.store.kind }, 'gatehouse listening');
  });

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: no new connections, finishing in-flight requests');
    gatehouse.shuttingDown = true;
    const force = setTimeout(() => {
      logger.warn('in-flight requests did not finish within 10 s; closing connections');
      server.closeAllConnections();
    }, 10_000);
    force.unref();
    // a keep-alive connection whose request finishes after the signal becomes idle later:
    // close such connections as they go idle instead of waiting for the force-close
    const reap = setInterval(() => server.closeIdleConnections(), 100);
    reap.unref();
    server.close(async () => {
      clearInterval(reap);
      await gatehouse.close();
      logger.info('stopped');
      process.exit(0);
    });
    server.closeIdleConnections();
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((err) => {
  process.stderr.write(`gatehouse failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
