/**
 * One request as the framework-free core sees it. Adapters implement it over their own request
 * object (one small object per request); the core reads only what a decision needs, when it
 * needs it: the address only to count a failure or check an allowlist, the URL only for a DPoP
 * proof or `?api_key=`.
 */
export interface AuthExchange {
  /** upper-case HTTP method */
  readonly method: string;
  /** a request header by its lower-case name; undefined when absent */
  header(name: string): string | undefined;
  /** the client's address, as the framework's trusted-proxy setting resolves it */
  ip(): string;
  /** the absolute URL the client addressed (scheme, host, path, query) */
  url(): string;
}
