import { spawn } from 'node:child_process';
import { join } from 'node:path';

/** The built executable (`dist/` is built by `npm test` before jest runs). */
export const GATEHOUSE_BIN = join(process.cwd(), 'bin/gatehouse.js');

export interface BinResult { code: number | null; stdout: string; stderr: string }

/** Runs `bin/gatehouse.js` by its absolute path from `cwd`, with only PATH and `env` in its environment. */
export function runBin(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; stdin?: string } = {}): Promise<BinResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [GATEHOUSE_BIN, ...args], {
      cwd: options.cwd ?? process.cwd(), env: { PATH: process.env.PATH, ...options.env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => { stdout += c; });
    child.stderr.on('data', (c) => { stderr += c; });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.stdin ?? '');
  });
}
