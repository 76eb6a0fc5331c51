import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('./store-child.mjs', import.meta.url));
const BUILT = fileURLToPath(new URL('../../../dist/src/store/open.js', import.meta.url));

/** A running store-child.mjs with its stdout as awaitable lines. */
export interface StoreChild {
  process: ChildProcess;
  /** every stdout line so far */
  lines: string[];
  /** resolves with the first line (from now or already seen) matching `test` */
  waitFor(test: (line: string) => boolean, timeoutMs?: number): Promise<string>;
  /** resolves when the process has exited */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const running = new Set<ChildProcess>();

/** Kills (SIGKILL) every child still running: for afterAll, so a failed test leaves no process behind. */
export function killStoreChildren(): void {
  for (const child of running) child.kill('SIGKILL');
  running.clear();
}

/** Spawns a child process using the built store (`npm run build` first; `npm test` does). */
export function spawnStoreChild(args: string[]): StoreChild {
  if (!existsSync(BUILT)) throw new Error(`${BUILT} is missing: run \`npm run build\` before these tests (npm test does)`);
  const child = spawn(process.execPath, [SCRIPT, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  running.add(child);
  child.on('exit', () => running.delete(child));
  const lines: string[] = [];
  const waiters: Array<{ test: (l: string) => boolean; resolve: (l: string) => void }> = [];
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
  createInterface({ input: child.stdout! }).on('line', (line) => {
    lines.push(line);
    for (const w of [...waiters]) if (w.test(line)) { waiters.splice(waiters.indexOf(w), 1); w.resolve(line); }
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })));
  return {
    process: child, lines, exited,
    waitFor(test, timeoutMs = 15_000) {
      const seen = lines.find(test);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`child did not print the expected line; stderr: ${stderr}`)), timeoutMs);
        waiters.push({ test, resolve: (l) => { clearTimeout(timer); resolve(l); } });
        void exited.then(({ code }) => { if (code) { clearTimeout(timer); reject(new Error(`child exited ${code}: ${stderr}`)); } });
      });
    },
  };
}
