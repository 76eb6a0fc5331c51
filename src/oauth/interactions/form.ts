import { createHmac, timingSafeEqual } from 'node:crypto';
import { parse } from 'node:querystring';
import type { Context } from 'koa';
import getRawBody from 'raw-body';

const FORM_LIMIT = '16kb';

/** The urlencoded body of a page form; anything else reads as empty (the handlers then fail closed). */
export async function readForm(ctx: Context): Promise<Record<string, string>> {
  if (!ctx.is('application/x-www-form-urlencoded')) return {};
  const text = await getRawBody(ctx.req, { limit: FORM_LIMIT, encoding: 'utf8', length: ctx.request.length });
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(parse(text))) out[k] = Array.isArray(v) ? (v[0] ?? '') : (v ?? '');
  return out;
}

/**
 * CSRF tokens bound to one interaction: an HMAC of its uid under a key derived from the master
 * secret. A cross-site form cannot know it; it dies with the interaction.
 */
export class CsrfTokens {
  constructor(private readonly key: Buffer) {}

  issue(uid: string): string {
    return createHmac('sha256', this.key).update(`interaction:${uid}`).digest('base64url');
  }

  check(uid: string, token: unknown): boolean {
    if (typeof token !== 'string' || token.length > 100) return false;
    const expected = Buffer.from(this.issue(uid));
    const given = Buffer.from(token);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
}
