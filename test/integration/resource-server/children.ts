import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('./gatehouse-child.mjs', import.meta.url));
const BUILT = fileURLToPath(new URL('../../../dist/bench/probe-app.js', import.meta.url));

/** A Gatehouse in its own process (built code), reachable at `url`. */
export interface GatehouseChild {
  url: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** Starts a Gatehouse child process with the given config overrides; resolves once it listens. */
export function startChild(overrides: Record<string, unknown>): Promise<GatehouseChild> {
  if (!existsSync(BUILT)) throw new Error(`${BUILT} is missing: run \`npm run build\` before these tests (npm test does)`);
  const child = spawn(process.execPath, [SCRIPT, JSON.stringify(overrides)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`child not ready: ${stderr}`)), 15_000);
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`child exited ${code}: ${stderr}`)); });
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (!line.startsWith('ready ')) return;
      clearTimeout(timer);
      resolve({
        url: line.slice(6), process: child,
        async stop() {
          child.kill('SIGTERM');
          await exited;
        },
      });
    });
  });
}

/** A temporary directory holding one SQLite file, removed by `remove()`. */
export function tempDatabase(): { url: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-rs-'));
  return { url: `sqlite:${join(dir, 'gatehouse.db')}`, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
