#!/usr/bin/env node
// The admin CLI (SPEC §2). The code lives in src/cli/main.ts, compiled to dist/ by `npm run build`.
import { format } from 'node:util';

// stdout carries the command's result only (`--json`: one JSON object); notices libraries print
// with console.log/info (oidc-provider does) go to stderr instead
console.log = console.info = (...args) => process.stderr.write(`${format(...args)}\n`);
let runCli;
try {
  ({ runCli } = await import('../dist/src/cli/main.js'));
} catch (err) {
  const notBuilt = err && err.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('dist');
  process.stderr.write(notBuilt
    ? 'error: gatehouse is not built; run `npm run build` first\n'
    : `error: cannot load the CLI: ${err && err.message ? String(err.message).split('\n')[0] : err}\n`);
  process.exit(1);
}

const code = await runCli(process.argv.slice(2), {
  stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd(),
});
// exit once stdout has drained: a background timer left by a service must not keep the CLI alive
process.stdout.write('', () => process.exit(code));
