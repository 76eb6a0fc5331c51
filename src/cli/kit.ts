import type { Writable } from 'node:stream';
import type { Command } from 'commander';
import { loadConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { createGatehouse, type Gatehouse } from '../gatehouse.js';
import { HttpProblem } from '../http/problem.js';
import { createLogger } from '../ops/logger.js';
import { Metrics } from '../ops/metrics.js';
import type { Organization } from '../store/ports.js';

/** The process streams and environment a CLI run uses (fakes in tests). */
export interface CliIo {
  stdin: NodeJS.ReadableStream;
  stdout: Writable;
  stderr: Writable;
  env: NodeJS.ProcessEnv;
  /** where `config/` and relative paths are found; defaults to `process.cwd()` */
  cwd?: string;
}

/** A mistake in how the command was called: reported on one line, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** What a command handler gets besides the Gatehouse and its options. */
export interface CommandContext {
  /** positional arguments, in order (`<slug>` of `orgs create <slug>`, …) */
  args: string[];
  io: CliIo;
}

export interface Output<R, O> {
  /** the text printed without `--json`; by default one `key: value` line per field */
  human?: (result: R) => string;
  /** checks that need no store (option combinations, stdin); throw `UsageError` */
  check?: (opts: O, ctx: CommandContext) => void | Promise<void>;
}

/**
 * Wraps a command handler as a commander action: loads the configuration, builds the very same
 * services as the server (`createGatehouse`), runs the handler, prints its result (`--json`: one
 * JSON object; otherwise `human`), and closes. Errors propagate to `runCli`, which prints one line.
 */
export type Run = <R extends object, O = Record<string, any>>(
  handler: (gh: Gatehouse, opts: O, ctx: CommandContext) => Promise<R>,
  output?: Output<R, O>,
) => (...actionArgs: any[]) => Promise<void>;

/** Like {@link Run}, for commands that need the configuration only (not the services), e.g. `migrate`. */
export type RunConfigured = <R extends object, O = Record<string, any>>(
  handler: (config: Config, opts: O, ctx: CommandContext) => Promise<R>,
  output?: Output<R, O>,
) => (...actionArgs: any[]) => Promise<void>;

/** What every command module receives from `main.ts`. */
export interface CliKit {
  run: Run;
  runConfigured: RunConfigured;
  /** the organization by slug or id. @throws HttpProblem 404 naming it */
  org(gh: Gatehouse, idOrSlug: string): Promise<Organization>;
  /** commander option parser for repeatable options: `.option('--role <r>', '…', kit.collect, [])` */
  collect(value: string, previous: string[]): string[];
  /** commander option parser for `a,b,c` lists */
  csv(value: string): string[];
  /** reads standard input to its end; drops one trailing newline (`echo pw |`) */
  readStdin(io: CliIo, maxBytes?: number): Promise<string>;
}

const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];

/** The CLI logs to stderr, and only warnings unless LOG_LEVEL asks for more or less. */
function cliLogLevel(configured: string): string {
  return LEVELS.indexOf(configured) < LEVELS.indexOf('info') || LEVELS.indexOf(configured) > LEVELS.indexOf('warn') ? configured : 'warn';
}

function configure(io: CliIo): Config {
  return loadConfig({ env: io.env, cwd: io.cwd, warn: (msg) => io.stderr.write(`warning: ${msg}\n`) });
}

async function openGatehouse(io: CliIo): Promise<Gatehouse> {
  const config = configure(io);
  const logger = createLogger(cliLogLevel(config.logLevel), io.stderr);
  return createGatehouse(config, { logger, metrics: new Metrics({ defaultMetrics: false }), backgroundWork: false });
}

function defaultHuman(result: object): string {
  return Object.entries(result)
    .map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(', ') : typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v)}`)
    .join('\n');
}

async function readStdin(io: CliIo, maxBytes = 64 * 1024): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of io.stdin as AsyncIterable<Buffer | string>) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    size += buf.length;
    if (size > maxBytes) throw new UsageError(`standard input holds more than ${maxBytes} bytes`);
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

/** The helpers handed to every command module, bound to one run's streams. */
export function createKit(io: CliIo): CliKit {
  /** a commander action: check, open what the command needs, run it, close, print the result */
  const action = <T, R extends object, O>(open: () => Promise<T>, close: (opened: T) => Promise<void>,
    handler: (opened: T, opts: O, ctx: CommandContext) => Promise<R>, output: Output<R, O> = {}) => async (...actionArgs: any[]) => {
    const command = actionArgs[actionArgs.length - 1] as Command;
    const opts = command.optsWithGlobals();
    const ctx: CommandContext = { args: actionArgs.slice(0, -2).flat() as string[], io };
    await output.check?.(opts as never, ctx);
    const opened = await open();
    let result: R;
    try {
      result = await handler(opened, opts as never, ctx);
    } finally {
      await close(opened);
    }
    const text = opts.json ? JSON.stringify(result) : (output.human ?? defaultHuman)(result as never);
    io.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  };
  const run: Run = (handler, output) => action(() => openGatehouse(io), (gh) => gh.close(), handler, output);
  const runConfigured: RunConfigured = (handler, output) => action(async () => configure(io), async () => {}, handler, output);

  return {
    run,
    runConfigured,
    async org(gh, idOrSlug) {
      const org = await gh.identity.organizations.resolve(idOrSlug);
      if (!org) throw new HttpProblem(404, 'not_found', 'Not found', `no organization "${idOrSlug}"`);
      return org;
    },
    collect: (value, previous) => [...previous, value],
    csv: (value) => value.split(',').map((s) => s.trim()).filter(Boolean),
    readStdin,
  };
}
