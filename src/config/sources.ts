import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export type Json = Record<string, unknown>;

export function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Deep merge of plain objects; `over` wins, arrays and scalars are replaced. */
export function merge(base: Json, over: Json): Json {
  const out: Json = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = isObject(v) && isObject(out[k]) ? merge(out[k] as Json, v) : v;
  return out;
}

/** A JSON config file's object; `{}` when the file does not exist; a problem line when it is not a JSON object. */
export function readJson(file: string, problems: string[]): Json {
  if (!existsSync(file)) return {};
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8'));
    if (isObject(parsed)) return parsed;
    problems.push(`${file}: must hold a JSON object`);
  } catch (err) {
    problems.push(`${file}: is not valid JSON (${(err as Error).message})`);
  }
  return {};
}

/**
 * The directory of Gatehouse's own package.json, found upwards from this module (`src/config/`
 * when run from source, `dist/src/config/` when built, `node_modules/gatehouse/…` when installed).
 */
export function packageRoot(from: string = dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'gatehouse') return dir;
      } catch {
        // not ours; keep looking
      }
    }
    if (dirname(dir) === dir) throw new Error(`cannot find Gatehouse's package.json above ${from}`);
  }
}

/**
 * The `config/` directories to read, in order of precedence (later wins): the package's own,
 * then the working directory's when it is another one (SPEC §1: the package's defaults always
 * load, whatever the working directory; a `config/` there overrides them).
 */
export function configDirectories(cwd: string, root: string = packageRoot()): string[] {
  const own = join(root, 'config');
  const local = join(cwd, 'config');
  const same = existsSync(local) && existsSync(own) && realpathSync(local) === realpathSync(own);
  return same || !existsSync(local) ? [own] : [own, local];
}
