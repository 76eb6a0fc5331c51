import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config/load.js';
import { HttpProblem } from '../http/problem.js';
import { COMMAND_MODULES } from './commands/index.js';
import { createKit, UsageError, type CliIo } from './kit.js';

export type { CliIo } from './kit.js';

/** The one line a failure prints, and its exit code: 2 for usage, 1 for everything else. */
function failure(err: unknown): { line: string; code: number } {
  if (err instanceof UsageError) return { line: err.message, code: 2 };
  if (err instanceof HttpProblem) return { line: err.detail ?? err.title, code: 1 };
  if (err instanceof ConfigError) return { line: `configuration: ${err.problems.join('; ')}`, code: 1 };
  const message = err instanceof Error ? err.message : String(err);
  return { line: message.split('\n')[0] || 'unexpected failure', code: 1 };
}

function buildProgram(io: CliIo): Command {
  const program = new Command('gatehouse')
    .description('Gatehouse admin CLI: the same services as the API, against the configured store (DATABASE_URL)')
    .option('--json', 'print exactly one JSON object on stdout')
    .configureHelp({ showGlobalOptions: true })
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      // commander's own errors ("error: unknown option '--x'") stay one line, no usage dump
      outputError: (s, write) => write(`${s.trim().split('\n')[0]}\n`),
    });
  const kit = createKit(io);
  for (const module of COMMAND_MODULES) module.register(program, kit);
  return program;
}

/**
 * Runs the admin CLI (SPEC §2) with `argv` = the arguments after the program name, e.g.
 * `['orgs', 'create', 'acme', '--json']`. Resolves to the exit code; never throws, never prints
 * a stack trace.
 */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // help and version are successes; anything else commander already printed as one line
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return 0;
      return 2;
    }
    const { line, code } = failure(err);
    io.stderr.write(`error: ${line}\n`);
    return code;
  }
}
