import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { configSchema, type Config } from './schema.js';
import { configDirectories, isObject, merge, readJson, type Json } from './sources.js';

/** A configuration that cannot be used; `problems` has one line per bad setting. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'ConfigError';
  }
}

/** Environment variables and the settings they override (SPEC §1). */
const ENV_VARS: Record<string, { path: string; kind: 'string' | 'integer' | 'list' }> = {
  PORT: { path: 'port', kind: 'integer' },
  GATEHOUSE_ISSUER: { path: 'issuer', kind: 'string' },
  DATABASE_URL: { path: 'databaseUrl', kind: 'string' },
  GATEHOUSE_SECRET: { path: 'secret', kind: 'string' },
  GATEHOUSE_SECRET_PREVIOUS: { path: 'secretPrevious', kind: 'list' },
  GATEHOUSE_TRUST_PROXY: { path: 'trustProxy', kind: 'integer' },
  GATEHOUSE_DATA_DIR: { path: 'dataDir', kind: 'string' },
  LOG_LEVEL: { path: 'logLevel', kind: 'string' },
  GATEHOUSE_SMTP_URL: { path: 'smtpUrl', kind: 'string' },
  GATEHOUSE_MAIL_FROM: { path: 'mailFrom', kind: 'string' },
};

/** Settings whose values are never repeated in an error message (they hold credentials). */
const SECRET_SETTINGS = new Set(['secret', 'secretPrevious', 'smtpUrl']);
const SETTING_TO_ENV = Object.fromEntries(Object.entries(ENV_VARS).map(([name, { path }]) => [path, name]));

function fromEnv(env: NodeJS.ProcessEnv): Json {
  const out: Json = {};
  for (const [name, { path, kind }] of Object.entries(ENV_VARS)) {
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    // an integer setting keeps its raw text when it is not one, so validation names the problem
    if (kind === 'list') out[path] = raw.split(/[\s,]+/).filter(Boolean);
    else out[path] = kind === 'integer' && /^\d+$/.test(raw.trim()) ? Number(raw) : raw;
  }
  return out;
}

/** The development secret: generated once, kept under the data directory, never in production. */
function developmentSecret(dataDir: string, warn: (msg: string) => void): string {
  const file = join(dataDir, 'secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  writeFileSync(file, secret + '\n', { mode: 0o600 });
  warn(`GATEHOUSE_SECRET is not set: generated a development secret in ${file}. Set GATEHOUSE_SECRET in production.`);
  return secret;
}

function label(path: PropertyKey[]): string {
  const dotted = path.map(String).join('.');
  // a list's item (`secretPrevious.1`) is named by the list's variable
  const envName = SETTING_TO_ENV[dotted] ?? SETTING_TO_ENV[String(path[0])];
  return envName ? `${envName} (${dotted})` : dotted;
}

export interface LoadOptions {
  env?: NodeJS.ProcessEnv;
  /** the working directory: its `config/` overrides the package's, relative paths start there; defaults to `process.cwd()` */
  cwd?: string;
  /** Gatehouse's package directory, whose `config/` always loads (tests); found from this module by default */
  packageRoot?: string;
  /** settings that override files and environment (tests) */
  overrides?: Json;
  warn?: (msg: string) => void;
}

/**
 * Reads the package's `config/default.json` and `config/<NODE_ENV>.json`, then the same files of
 * the working directory's `config/` (when it is not the package's), then environment variables,
 * then `overrides`, and validates the result once. @throws ConfigError naming every bad setting.
 */
export function loadConfig(options: LoadOptions = {}): Config {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const warn = options.warn ?? ((msg: string) => process.stderr.write(`warning: ${msg}\n`));
  const problems: string[] = [];
  const nodeEnv = env.NODE_ENV || 'development';

  let raw: Json = { nodeEnv };
  for (const dir of configDirectories(cwd, options.packageRoot)) {
    raw = merge(raw, readJson(join(dir, 'default.json'), problems));
    if (/^[a-z]+$/.test(nodeEnv)) raw = merge(raw, readJson(join(dir, `${nodeEnv}.json`), problems));
  }
  raw = merge(raw, fromEnv(env));
  raw = merge(raw, options.overrides ?? {});
  // derived only from a valid port: a bad PORT is one problem, not also a bad issuer
  const portIsValid = Number.isInteger(raw.port) && (raw.port as number) >= 0 && (raw.port as number) <= 65535;
  if (raw.issuer === undefined && portIsValid) raw.issuer = `http://localhost:${raw.port}`;
  if (typeof raw.dataDir === 'string') raw.dataDir = resolve(cwd, raw.dataDir);

  if (raw.secret === undefined) {
    if (nodeEnv === 'production') problems.push('GATEHOUSE_SECRET (secret): is required when NODE_ENV=production; expected base64url of at least 32 bytes');
    else if (nodeEnv === 'test') raw.secret = randomBytes(48).toString('base64url');
    else if (typeof raw.dataDir === 'string') raw.secret = developmentSecret(raw.dataDir, warn);
  }

  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const at = issue.path as PropertyKey[];
      // already reported above, or only a consequence of a bad PORT
      if (raw[at[0] as string] === undefined && (at[0] === 'secret' || at[0] === 'issuer')) continue;
      const value = at.reduce<unknown>((v, k) => (isObject(v) ? v[k as string] : undefined), raw);
      const shown = SECRET_SETTINGS.has(String(at[0])) || value === undefined ? '' : ` (got ${JSON.stringify(value)})`;
      problems.push(`${label(at)}: ${issue.message}${shown}`);
    }
  }
  if (problems.length) throw new ConfigError(problems);
  const config = parsed.data!;
  if (config.nodeEnv === 'production' && config.oauth.devInteractions)
    throw new ConfigError(['oauth.devInteractions: must be false when NODE_ENV=production']);
  return config;
}
