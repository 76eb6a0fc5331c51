/**
 * Errors that reach HTTP. One class, stable `code`s, mapped to status + problem+json (RFC 9457)
 * in exactly one place (`http/error-boundary.ts`). `expose` decides whether `detail` may be shown;
 * anything else that throws is a bug and is answered with a generic 500.
 */
export class HttpProblem extends Error {
  readonly expose = true;
  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    readonly detail?: string,
    /** extra members of the problem document (e.g. `errors`, `retry_after`) */
    readonly extra: Record<string, unknown> = {},
    /** response headers to add (e.g. `WWW-Authenticate`, `Retry-After`) */
    readonly headers: Record<string, string> = {},
  ) {
    super(detail ?? title);
    this.name = 'HttpProblem';
  }

  private serialized?: string;

  /** The problem document as JSON text, built once: a shared problem (the one 401) answers many requests. */
  json(): string {
    return (this.serialized ??= JSON.stringify(this.body()));
  }

  body(): Record<string, unknown> {
    return {
      type: `https://gatehouse.dev/problems/${this.code}`,
      title: this.title,
      status: this.status,
      detail: this.detail ?? this.title,
      code: this.code,
      ...this.extra,
    };
  }
}

export interface FieldIssue {
  /** dotted path, e.g. `rate_limit.limit` */
  field: string;
  message: string;
}

export const problems = {
  validation: (issues: FieldIssue[]) =>
    new HttpProblem(400, 'validation_failed', 'Invalid request',
      issues.map((i) => `${i.field}: ${i.message}`).join('; '), { errors: issues }),
  badRequest: (code: string, detail: string) => new HttpProblem(400, code, 'Bad request', detail),
  unauthorized: (detail = 'The credential is missing, malformed, unknown, revoked or expired.') =>
    new HttpProblem(401, 'invalid_token', 'Unauthorized', detail, {},
      { 'WWW-Authenticate': `Bearer realm="gatehouse", error="invalid_token", error_description="${detail.replace(/"/g, "'")}"` }),
  forbidden: (code: string, detail: string, extra: Record<string, unknown> = {}) =>
    new HttpProblem(403, code, 'Forbidden', detail, extra),
  insufficientScope: (needed: string[]) =>
    new HttpProblem(403, 'insufficient_scope', 'Forbidden', `This request needs the permission(s): ${needed.join(' ')}.`,
      { required_permissions: needed },
      { 'WWW-Authenticate': `Bearer realm="gatehouse", error="insufficient_scope", scope="${needed.join(' ')}"` }),
  notFound: (what = 'resource') => new HttpProblem(404, 'not_found', 'Not found', `No such ${what}.`),
  conflict: (code: string, detail: string) => new HttpProblem(409, code, 'Conflict', detail),
  payloadTooLarge: (limit: number) =>
    new HttpProblem(413, 'payload_too_large', 'Payload too large', `The request body exceeds ${limit} bytes.`),
  unsupportedMediaType: () =>
    new HttpProblem(415, 'unsupported_media_type', 'Unsupported media type', 'Send the body as application/json.'),
  tooManyRequests: (retryAfterSeconds: number, headers: Record<string, string> = {}) =>
    new HttpProblem(429, 'rate_limited', 'Too many requests', `Rate limit exceeded; retry in ${retryAfterSeconds} s.`,
      { retry_after: retryAfterSeconds }, { 'Retry-After': String(retryAfterSeconds), ...headers }),
};
