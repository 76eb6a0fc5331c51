import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../../src/store/open.js';
import { killStoreChildren, spawnStoreChild } from './child.js';

describe('SQLite durability', () => {
  let dir: string;
  beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'gatehouse-durability-')); });
  afterAll(() => {
    killStoreChildren();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps every acknowledged write when the writing process is killed with SIGKILL mid-stream', async () => {
    const file = join(dir, 'killed.db');
    const child = spawnStoreChild(['write', `sqlite:${file}`]);
    await child.waitFor((l) => l === 'ready');
    await child.waitFor((l) => l === 'ack 300');
    child.process.kill('SIGKILL');
    const { signal } = await child.exited;
    expect(signal).toBe('SIGKILL');

    const acked = child.lines.filter((l) => l.startsWith('ack ')).map((l) => Number(l.slice(4)));
    expect(acked.length).toBeGreaterThan(300);

    // the file is intact and every acknowledged write is there, in both tables it touched
    const raw = new Database(file, { readonly: true });
    expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
    raw.close();
    const store = await openStore(`sqlite:${file}`);
    try {
      const stored = await store.apiKeys.countActive('org_durable', new Date());
      expect(stored).toBeGreaterThanOrEqual(acked.length);
      for (const i of acked) {
        const id = `key_${String(i).padStart(8, '0')}`;
        expect(await store.apiKeys.findById(id)).toMatchObject({ id, name: `k${i}` });
        expect(await store.usage.daily(id, '2030-01-01', '2030-01-01')).toEqual([{ day: '2030-01-01', count: 1 }]);
      }
    } finally {
      await store.close();
    }
  });
});
