import type { Context } from 'koa';

/** Client credentials as sent to an OAuth endpoint, or why they are unusable. */
export type PresentedClient =
  | { ok: true; clientId: string; secret: string; method: 'client_secret_basic' | 'client_secret_post' }
  | { ok: false; error: 'invalid_request' | 'invalid_client'; description: string };

function formDecode(text: string): string | null {
  // nothing to decode (the usual id and secret): the text is its own decoding
  if (!text.includes('%') && !text.includes('+')) return text;
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return null;
  }
}

/**
 * Reads client_secret_basic (RFC 6749 §2.3.1: form-encoded id and secret, base64 in `Basic`) or
 * client_secret_post (`client_id` + `client_secret` in the body). Using both at once is refused.
 */
export function presentedClient(ctx: Context, body: Record<string, unknown>): PresentedClient {
  const header = ctx.get('authorization');
  const inBody = body.client_secret !== undefined;
  if (header) {
    if (inBody) return { ok: false, error: 'invalid_request', description: 'client authentication must use only one method' };
    const match = /^Basic +([A-Za-z0-9+/=]+) *$/i.exec(header);
    const decoded = match ? Buffer.from(match[1], 'base64').toString('utf8') : '';
    const colon = decoded.indexOf(':');
    const clientId = colon > 0 ? formDecode(decoded.slice(0, colon)) : null;
    const secret = colon > 0 ? formDecode(decoded.slice(colon + 1)) : null;
    if (!clientId || !secret) return { ok: false, error: 'invalid_client', description: 'malformed Basic client authentication' };
    return { ok: true, clientId, secret, method: 'client_secret_basic' };
  }
  if (typeof body.client_id === 'string' && typeof body.client_secret === 'string' && body.client_id && body.client_secret)
    return { ok: true, clientId: body.client_id, secret: body.client_secret, method: 'client_secret_post' };
  return { ok: false, error: 'invalid_client', description: 'client authentication is required (client_secret_basic or client_secret_post)' };
}
