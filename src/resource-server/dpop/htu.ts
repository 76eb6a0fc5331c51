const UNRESERVED = /[A-Za-z0-9\-._~]/;

/**
 * A request URI as DPoP compares it (RFC 9449 §4.3, step 9): without query and fragment, after
 * syntax- and scheme-based normalisation (RFC 3986 §6.2.2, §6.2.3): scheme and host in lower
 * case, the default port dropped, dot segments removed, an empty path as `/` (WHATWG URL parsing
 * does all of these), and percent-encodings with upper-case hex digits, unreserved characters
 * decoded. Null for anything that is not an absolute http(s) URL.
 */
export function normalizeHtu(value: unknown): string | null {
  if (typeof value !== 'string' || value.length > 4096) return null;
  const url = URL.parse(value);
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) return null;
  url.search = '';
  url.hash = '';
  url.username = '';
  url.password = '';
  const href = url.href;
  return href.includes('%') ? normalizePercentEncoding(href) : href;
}

function normalizePercentEncoding(href: string): string {
  return href.replace(/%([0-9A-Fa-f]{2})/g, (_match, hex: string) => {
    const char = String.fromCharCode(parseInt(hex, 16));
    return UNRESERVED.test(char) ? char : `%${hex.toUpperCase()}`;
  });
}
