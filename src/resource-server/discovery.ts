/** The parts of RFC 8414 authorization-server metadata a resource server needs. */
export interface IssuerMetadata {
  issuer: string;
  jwks_uri: string;
  introspection_endpoint: string;
}

/**
 * Fetches `<issuer>/.well-known/oauth-authorization-server` once (retrying on the next call
 * after a failure) and checks that it names this very issuer (RFC 8414 §3.3), so metadata from
 * elsewhere cannot redirect key fetching.
 */
export function discover(issuer: string, options: { fetch?: typeof fetch; timeoutMs?: number } = {}): () => Promise<IssuerMetadata> {
  const doFetch = options.fetch ?? fetch;
  let pending: Promise<IssuerMetadata> | null = null;
  const load = async (): Promise<IssuerMetadata> => {
    const response = await doFetch(`${issuer}/.well-known/oauth-authorization-server`, {
      headers: { accept: 'application/json' }, signal: AbortSignal.timeout(options.timeoutMs ?? 5_000),
    });
    if (response.status !== 200) throw new Error(`discovery at ${issuer} answered ${response.status}`);
    const meta = (await response.json()) as Partial<IssuerMetadata>;
    if (meta.issuer !== issuer) throw new Error(`discovery at ${issuer} names another issuer`);
    if (typeof meta.jwks_uri !== 'string' || typeof meta.introspection_endpoint !== 'string')
      throw new Error(`discovery at ${issuer} lacks jwks_uri or introspection_endpoint`);
    return meta as IssuerMetadata;
  };
  return () => {
    pending ??= load().catch((err) => {
      pending = null;
      throw err;
    });
    return pending;
  };
}
