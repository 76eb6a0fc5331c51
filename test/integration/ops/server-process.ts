import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';

/** A free TCP port on 127.0.0.1 (listen on 0, read it, close). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface ServerProcess {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** resolves with the exit code (or the signal's name) */
  exited: Promise<number | string>;
  /** resolves when a stdout line matches; rejects when the process exits first or after `ms` */
  waitFor(pattern: RegExp, ms?: number): Promise<void>;
}

/** `node dist/src/main.js` with exactly this environment (plus PATH), from the repository root or `cwd` (its `config/` overrides). */
export function startServerProcess(env: NodeJS.ProcessEnv, cwd = process.cwd()): ServerProcess {
  const main = join(process.cwd(), 'dist/src/main.js');
  const child = spawn(process.execPath, [main], { cwd, env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const waiters: Array<{ pattern: RegExp; resolve: () => void }> = [];
  child.stdout!.on('data', (c) => {
    out += c;
    for (const w of [...waiters]) if (w.pattern.test(out)) { waiters.splice(waiters.indexOf(w), 1); w.resolve(); }
  });
  child.stderr!.on('data', (c) => { err += c; });
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitFor(pattern, ms = 15_000) {
      if (pattern.test(out)) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out waiting for ${pattern}; stdout: ${out}; stderr: ${err}`)), ms);
        waiters.push({ pattern, resolve: () => { clearTimeout(timer); resolve(); } });
        exited.then((code) => { clearTimeout(timer); reject(new Error(`exited (${code}) before ${pattern}; stderr: ${err}`)); });
      });
    },
  };
}

/** Stack-trace frames look like "    at fn (file:1:2)". */
export const STACK_FRAME = /^\s+at .+[:(]/m;

/** Lines a supported runtime would not print (oidc-provider warns about Node < 22 at import). */
export function meaningfulLines(text: string): string[] {
  return text.split('\n').filter((l) => l.trim() && !l.includes('oidc-provider WARNING: Unsupported runtime'));
}
