import { createServer, type Server } from 'node:net';
import { openMongoStore } from '../../../src/store/mongo/index.js';
import { isStoreOutage } from '../../../src/store/outage.js';

/**
 * The real driver against addresses that never answer as MongoDB would: nothing is emulated,
 * the point is only that opening fails within the store's time budget instead of hanging.
 */
describe('opening MongoDB that cannot be reached', () => {
  let silent: Server;
  let silentPort: number;
  beforeAll(async () => {
    // accepts connections and never says a word: a hung server
    silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    silentPort = (silent.address() as { port: number }).port;
  });
  afterAll(async () => {
    silent.close();
  });

  it.each([
    ['a port nobody listens on', () => 'mongodb://127.0.0.1:9/gatehouse'],
    ['a server that accepts and never answers', () => `mongodb://127.0.0.1:${silentPort}/gatehouse?connectTimeoutMS=200`],
  ])('fails %s within the time budget, with an error the store reports as an outage', async (_, url) => {
    const started = Date.now();
    const err = await openMongoStore(url(), { timeoutMs: 400 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(isStoreOutage(err)).toBe(true);
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
