import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { randomBytes } from 'node:crypto';
import { runCli } from '../../src/cli/main.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout parsed as JSON (throws when it is not exactly one JSON document) */
  json<T = any>(): T;
}

/**
 * An admin CLI bound to a fresh SQLite file in a temp directory (so successive commands share
 * state, as they do for an operator), running in process with fake streams.
 */
export interface TestCli {
  /** `cwd`: a working directory whose `config/` overrides the package's (default: the repository) */
  run(argv: string[], options?: { stdin?: string; env?: NodeJS.ProcessEnv; cwd?: string }): Promise<CliResult>;
  env: NodeJS.ProcessEnv;
  dir: string;
  cleanup(): void;
}

function collect(stream: PassThrough): () => string {
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(Buffer.from(c)));
  return () => Buffer.concat(chunks).toString('utf8');
}

export function createTestCli(): TestCli {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-cli-'));
  const env: NodeJS.ProcessEnv = {
    NODE_ENV: 'test',
    DATABASE_URL: `sqlite:${join(dir, 'gatehouse.db')}`,
    GATEHOUSE_SECRET: randomBytes(32).toString('base64url'),
    GATEHOUSE_DATA_DIR: dir,
    LOG_LEVEL: 'silent',
  };
  return {
    env,
    dir,
    async run(argv, options = {}) {
      const stdout = new PassThrough();
      const stderr = new PassThrough();
      const out = collect(stdout);
      const err = collect(stderr);
      const stdin = Readable.from(options.stdin === undefined ? [] : [Buffer.from(options.stdin)]);
      const code = await runCli(argv, { stdin, stdout, stderr, env: { ...env, ...options.env }, cwd: options.cwd ?? process.cwd() });
      const result = { code, stdout: out(), stderr: err() };
      return { ...result, json: () => JSON.parse(result.stdout) };
    },
    cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
