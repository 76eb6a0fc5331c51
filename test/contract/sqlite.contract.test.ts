import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../src/store/open.js';
import { describeStoreContract } from './store-contract.js';

describeStoreContract('SQLite :memory:', async () => {
  const store = await openStore('sqlite::memory:');
  return { store, dispose: () => store.close() };
});

describeStoreContract('SQLite file (two connections)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-contract-'));
  const url = `sqlite:${join(dir, 'store.db')}`;
  const store = await openStore(url);
  const peer = await openStore(url);
  return {
    store,
    peer,
    async dispose() {
      await store.close();
      await peer.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
