import { timingSafeEqual } from 'node:crypto';
import type { Context } from 'koa';

/**
 * Whether a state-changing request may proceed: it carries the session's CSRF token (form field
 * `_csrf` or header `X-CSRF-Token`), and the browser does not say it came from another site
 * (`Sec-Fetch-Site`, `Origin`). The session cookie is SameSite=Lax as well.
 *
 * Every response says `Referrer-Policy: no-referrer`, under which browsers send `Origin: null`
 * with a form's own (non-script) POST: that is accepted only when `Sec-Fetch-Site` says the
 * request came from this origin.
 */
export function csrfAllows(ctx: Context, expected: string, submitted: string, issuerOrigin: string): boolean {
  const site = ctx.get('sec-fetch-site');
  if (site && site !== 'same-origin') return false;
  const origin = ctx.get('origin');
  if (origin === 'null' && site !== 'same-origin') return false;
  if (origin && origin !== 'null' && origin !== issuerOrigin) return false;
  const given = Buffer.from(submitted || ctx.get('x-csrf-token'));
  const wanted = Buffer.from(expected);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}
