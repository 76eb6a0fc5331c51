import pino, { type Logger, type DestinationStream } from 'pino';

/**
 * Paths pino censors in every log line. Request/response headers that carry credentials, and any
 * field whose name says it holds a secret, wherever it appears in the first two levels.
 */
const SECRET_FIELDS = ['password', 'secret', 'client_secret', 'key', 'api_key', 'token', 'access_token',
  'refresh_token', 'id_token', 'code', 'code_verifier', 'digest', 'authorization', 'cookie', 'passwordHash', 'sealedSecret',
  'smtpUrl', 'sealed'];

export const REDACT_PATHS = [
  'req.headers.authorization', 'req.headers.cookie', 'req.headers["x-api-key"]', 'res.headers["set-cookie"]',
  ...SECRET_FIELDS.flatMap((f) => [f, `*.${f}`, `*.*.${f}`]),
];

/** Query parameters whose values never reach a log line, compared after decoding (`id%5Ftoken%5Fhint` is `id_token_hint`). */
const SECRET_PARAMS = new Set(['api_key', 'apikey', 'key', 'code', 'token', 'access_token', 'refresh_token', 'client_secret',
  'id_token', 'id_token_hint', 'code_verifier', 'password', 'assertion', 'client_assertion', 'request_uri', 'device_code',
  'user_code', 'logout_token']);

/**
 * What a credential looks like wherever it appears: an API key (`<prefix>_live_…`/`_test_…`, any
 * prefix), a SCIM token (`scim_…`) or a JWT/JWS/JWE (base64url JSON header `eyJ…` and
 * dot-separated parts). Linear-time patterns.
 */
const KEY_LIKE = /\b(?:[a-z][a-z0-9]{1,15}_(?:live|test)_[0-9A-Za-z]{16,}|scim_[0-9A-Za-z]{32,})/g;
const JWT_LIKE = /eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}(?:\.[A-Za-z0-9_-]*){1,3}/g;
const REDACTED = '[REDACTED]';

/** `text` with every key-like or JWT-like substring replaced. */
export function redactCredentials(text: string): string {
  return text.replace(KEY_LIKE, REDACTED).replace(JWT_LIKE, REDACTED);
}

function looksLikeCredential(value: string): boolean {
  KEY_LIKE.lastIndex = 0;
  JWT_LIKE.lastIndex = 0;
  return KEY_LIKE.test(value) || JWT_LIKE.test(value);
}

/** URL-decoding as a server would, repeated (a name may be encoded twice); the input when it is not valid. */
function decoded(text: string): string {
  let out = text;
  for (let i = 0; i < 3 && out.includes('%'); i++) {
    try {
      out = decodeURIComponent(out.replace(/\+/g, ' '));
    } catch {
      break;
    }
  }
  return out;
}

/**
 * A URL fit for a log line: query values of credential-bearing parameters (their names compared
 * decoded) and any path segment or query value that decodes to something key-like or JWT-like
 * replaced with `[REDACTED]`; names are kept as sent.
 */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  const path = (q < 0 ? url : url.slice(0, q)).split('/')
    .map((segment) => (looksLikeCredential(decoded(segment)) ? REDACTED : segment)).join('/');
  if (q < 0) return path;
  const query = url.slice(q + 1).split('&').map((pair) => {
    const eq = pair.indexOf('=');
    const name = eq < 0 ? pair : pair.slice(0, eq);
    const value = eq < 0 ? '' : pair.slice(eq + 1);
    if (SECRET_PARAMS.has(decoded(name).trim().toLowerCase()) || looksLikeCredential(decoded(value)) || looksLikeCredential(decoded(name))) {
      return `${looksLikeCredential(decoded(name)) ? REDACTED : name}=${REDACTED}`;
    }
    return pair;
  });
  return `${path}?${query.join('&')}`;
}

/**
 * The process logger: pino with the paths above censored, and, as a last line behind every
 * caller, each finished line scanned for anything key-like or JWT-like (an error message, a
 * header echoed somewhere) before it is written.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino({
    level, redact: { paths: REDACT_PATHS, censor: REDACTED }, base: { service: 'gatehouse' },
    hooks: { streamWrite: redactCredentials },
  }, destination);
}
