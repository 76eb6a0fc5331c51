import pino, { type Logger, type DestinationStream } from 'pino';

/**
 * Paths pino censors in every log line. Request/response headers that carry credentials, and any
 * field whose name says it holds a secret, wherever it appears in the first two levels.
 */
const SECRET_FIELDS = ['password', 'secret', 'client_secret', 'key', 'api_key', 'token', 'access_token',
  'refresh_token', 'id_token', 'code', 'code_verifier', 'digest', 'authorization', 'cookie', 'passwordHash', 'sealedSecret'];

export const REDACT_PATHS = [
  'req.headers.authorization', 'req.headers.cookie', 'req.headers["x-api-key"]', 'res.headers["set-cookie"]',
  ...SECRET_FIELDS.flatMap((f) => [f, `*.${f}`, `*.*.${f}`]),
];

/** Query parameters whose values never reach a log line. */
const SECRET_QUERY = /([?&](?:api_key|code|token|access_token|refresh_token|client_secret|id_token_hint|code_verifier)=)[^&#]*/gi;

/** A URL fit for a log line: credential-bearing query values replaced with `[REDACTED]`. */
export function redactUrl(url: string): string {
  return url.replace(SECRET_QUERY, '$1[REDACTED]');
}

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino({ level, redact: { paths: REDACT_PATHS, censor: '[REDACTED]' }, base: { service: 'gatehouse' } }, destination);
}
