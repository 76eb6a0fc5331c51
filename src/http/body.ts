import getRawBody from 'raw-body';
import type { Context } from 'koa';
import { problems } from './problem.js';

/**
 * Reads a JSON object body with a size limit: 413 over the limit, 415 for another content type,
 * 400 for malformed JSON or a non-object. `__proto__`/`constructor` keys are dropped by parsing
 * into null-prototype objects, so a body can never reach Object.prototype.
 */
export async function readJsonBody(ctx: Context, limitBytes: number): Promise<Record<string, unknown>> {
  const length = ctx.request.length;
  if (length === 0 || (!length && !ctx.request.get('transfer-encoding'))) return {};
  if (!ctx.request.is('application/json', 'application/*+json')) throw problems.unsupportedMediaType();
  let text: string;
  try {
    text = await getRawBody(ctx.req, { limit: limitBytes, length, encoding: 'utf8' });
  } catch (err) {
    if ((err as { type?: string }).type === 'entity.too.large') throw problems.payloadTooLarge(limitBytes);
    throw problems.badRequest('unreadable_body', 'The request body could not be read.');
  }
  if (text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text, (key, value) => {
      if (key === '__proto__' || key === 'constructor' || key === 'prototype') return undefined;
      return value;
    });
  } catch {
    throw problems.badRequest('malformed_json', 'The request body is not valid JSON.');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw problems.badRequest('malformed_json', 'The request body must be a JSON object.');
  return parsed as Record<string, unknown>;
}
