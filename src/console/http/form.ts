import type { Context } from 'koa';
import getRawBody from 'raw-body';
import { HttpProblem, problems } from '../../http/problem.js';

const FORM_LIMIT = 65_536;

/** A submitted urlencoded form: single values and repeated ones (checkbox groups). */
export interface FormFields {
  get(name: string): string;
  all(name: string): string[];
  has(name: string): boolean;
}

/** Reads a console form (urlencoded, at most 64 KiB; 413 beyond, 415 for another type). */
export async function readForm(ctx: Context): Promise<FormFields> {
  if (!ctx.is('application/x-www-form-urlencoded')) throw new HttpProblem(415, 'unsupported_media_type', 'Unsupported media type', 'Send the form as application/x-www-form-urlencoded.');
  let text: string;
  try {
    text = await getRawBody(ctx.req, { limit: FORM_LIMIT, encoding: 'utf8', length: ctx.request.length });
  } catch (err) {
    if ((err as { type?: string }).type === 'entity.too.large') throw problems.payloadTooLarge(FORM_LIMIT);
    throw problems.badRequest('unreadable_body', 'The form could not be read.');
  }
  const params = new URLSearchParams(text);
  return {
    get: (name) => params.get(name) ?? '',
    all: (name) => params.getAll(name),
    has: (name) => params.has(name),
  };
}
