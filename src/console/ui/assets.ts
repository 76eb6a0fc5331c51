import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Middleware } from 'koa';
import { WEBAUTHN_SOURCE } from '../../oauth/interactions/webauthn-script.js';

const JS = 'text/javascript; charset=utf-8';
const TYPES = { 'console.css': 'text/css; charset=utf-8', 'console.js': JS, 'webauthn.js': JS } as const;

/** The console's static files. */
export type AssetName = keyof typeof TYPES;

/** `src/console/static` of this package, found from here whether running from `src/` or `dist/src/`. */
function staticDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'src', 'console', 'static');
    if (existsSync(join(dir, 'package.json')) && existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  throw new Error('console assets not found (src/console/static)');
}

/**
 * The console's stylesheet and scripts, served with a content hash in their URL: its own files,
 * read once, and the sign-in pages' WebAuthn ceremony (one source for both), which the security
 * page loads to enrol passkeys.
 */
export class ConsoleAssets {
  private readonly files = new Map<string, { body: Buffer; hash: string }>();

  constructor() {
    const dir = staticDir();
    const bodies: Record<AssetName, Buffer> = {
      'console.css': readFileSync(join(dir, 'console.css')), 'console.js': readFileSync(join(dir, 'console.js')), 'webauthn.js': Buffer.from(WEBAUTHN_SOURCE),
    };
    for (const [name, body] of Object.entries(bodies)) {
      this.files.set(name, { body, hash: createHash('sha256').update(body).digest('hex').slice(0, 12) });
    }
  }

  /** The URL of an asset, changing whenever its content does. */
  url(name: AssetName): string {
    return `/console/static/${name}?v=${this.files.get(name)!.hash}`;
  }

  middleware(): Middleware {
    return async (ctx, next) => {
      const match = /^\/console\/static\/([a-z.]+)$/.exec(ctx.path);
      const file = match ? this.files.get(match[1]) : undefined;
      if (!file || !(ctx.method === 'GET' || ctx.method === 'HEAD')) return next();
      ctx.type = TYPES[match![1] as AssetName];
      ctx.set('Cache-Control', ctx.query.v === file.hash ? 'public, max-age=31536000, immutable' : 'no-cache');
      ctx.body = file.body;
    };
  }
}
