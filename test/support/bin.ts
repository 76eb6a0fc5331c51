import { spawn } from 'node:child_process';
import { join } from 'node:path';

/** The built executable (`dist/` is built by `npm test` before jest runs). */
export const GATEHOUSE_BIN = join(process.cwd(), 'bin/gatehouse.js');

export interface BinResult { code: number | null; stdout: string; stderr: string }

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** what standard input holds (default: nothing); null: no standard input at all (see below) */
  stdin?: string | null;
}

/**
 * Runs a program with only PATH and `env` in its environment, collecting its output. Without
 * standard input (`stdin: null`) bash runs a script as it would from a terminal: given a socket
 * there, it takes itself for a remote shell and reads ~/.bashrc.
 */
export function runProcess(command: string, args: string[], options: RunOptions = {}): Promise<BinResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd ?? process.cwd(), env: { PATH: process.env.PATH, ...options.env },
      stdio: [options.stdin === null ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (c) => { stdout += c; });
    child.stderr!.on('data', (c) => { stderr += c; });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    if (options.stdin !== null) child.stdin!.end(options.stdin ?? '');
  });
}

/** Runs `bin/gatehouse.js` by its absolute path from `cwd`, with only PATH and `env` in its environment. */
export function runBin(args: string[], options: RunOptions = {}): Promise<BinResult> {
  return runProcess(process.execPath, [GATEHOUSE_BIN, ...args], options);
}
