/**
 * `gatehouse/resource-server`: authenticate requests to your API by a Gatehouse OAuth access
 * token (JWT) or API key, and guard routes by permission.
 *
 * ```ts
 * import { createRemoteResourceServer } from 'gatehouse/resource-server';
 * const rs = createRemoteResourceServer({ issuer, clientId, clientSecret, audience: 'https://api.example.com' });
 * router.get('/invoices', rs.authenticate(), rs.requirePermissions('invoices:read'), listInvoices);
 * ```
 *
 * Inside a Gatehouse process use `gatehouse.resourceServer` (built by `createInProcessResourceServer`).
 * @packageDocumentation
 */
export { createRemoteResourceServer, type RemoteResourceServer, type RemoteResourceServerOptions } from './remote.js';
export { createInProcessResourceServer, type InProcessResourceServer, type InProcessDeps, type AuthenticateCallOptions } from './in-process.js';
export { authenticate, type AuthenticateOptions, type AuthCounter } from './authenticate.js';
export { requirePermissions, requireEnvironment } from './guards.js';
export { problemResponder } from './problem-responder.js';
export { HttpProblem } from '../http/problem.js';
export { apiKeyIntrospection, introspectionOf, type ApiKeyIntrospectionDeps } from './introspection.js';
export { LeasedRateLimiter, type LimitPolicy, type Admission, type LeasedRateLimiterOptions } from './rate-limiter.js';
export { MemoryRateLimits } from './memory-rate-limits.js';
export { createJwtVerifier, ACCEPTED_ALGORITHMS, type JwtVerifier, type JwtVerifierOptions } from './jwt-verifier.js';
export { localKeys, remoteKeys, type KeyResolver } from './jwks.js';
export { IntrospectionUnavailable } from './introspection-client.js';
export type { CredentialVerifier, Verified } from './verified.js';
export type { Principal } from '../domain/principal.js';
