import { timingSafeEqual } from 'node:crypto';
import type { Context } from 'koa';

/**
 * Whether a state-changing request may proceed: it carries the session's CSRF token (form field
 * `_csrf` or header `X-CSRF-Token`), and the browser does not say it came from another site
 * (`Sec-Fetch-Site`, `Origin`). The session cookie is SameSite=Lax as well.
 */
export function csrfAllows(ctx: Context, expected: string, submitted: string, issuerOrigin: string): boolean {
  const site = ctx.get('sec-fetch-site');
  if (site && site !== 'same-origin') return false;
  const origin = ctx.get('origin');
  if (origin && origin !== issuerOrigin) return false;
  const given = Buffer.from(submitted || ctx.get('x-csrf-token'));
  const wanted = Buffer.from(expected);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}
