/**
 * `gatehouse/resource-server`: authenticate requests to your API by a Gatehouse OAuth access
 * token (JWT, bearer or DPoP-bound) or API key, and guard routes by permission, in any framework.
 *
 * ```ts
 * import { createRemoteResourceServer, forExpress } from 'gatehouse/resource-server';
 * const rs = createRemoteResourceServer({ issuer, clientId, clientSecret, audience: 'https://api.example.com' });
 * const gate = forExpress(rs);
 * app.get('/invoices', gate.authenticate(), gate.requirePermissions('invoices:read'), listInvoices);
 * ```
 *
 * Koa is built in (`rs.authenticate()`, `rs.requirePermissions(…)`); `forExpress`, `forFastify`,
 * `forNodeHttp`, `forFetch` and `forHono` give the same answers elsewhere. Inside a Gatehouse
 * process use `gatehouse.resourceServer` (built by `createInProcessResourceServer`).
 * @packageDocumentation
 */
export { createRemoteResourceServer, type RemoteResourceServer, type RemoteResourceServerOptions } from './remote.js';
export { createInProcessResourceServer, type InProcessResourceServer, type InProcessDeps } from './in-process.js';
export { forKoa, type KoaAuthenticateOptions } from './adapters/koa.js';
export { forExpress } from './adapters/express.js';
export { forFastify } from './adapters/fastify.js';
export { forNodeHttp, type NodeHttpAdapterOptions } from './adapters/node-http.js';
export { forFetch, forHono, problemResponse, type FetchAdmission } from './adapters/fetch.js';
export type { AuthenticateCallOptions, ResourceServerCore } from './adapters/shared.js';
export { createAuthenticator, type Authenticator, type AuthenticatorOptions, type AuthCounter } from './core/authenticator.js';
export { Admitted, type Decision } from './core/decision.js';
export type { AuthExchange } from './core/exchange.js';
export { permissionGuard, environmentGuard, costGuard, type Guard } from './core/guards.js';
export { quotaExceeded, type Meter, type MeteredPrincipal } from './metering.js';
export { problemResponder } from './problem-responder.js';
export { HttpProblem } from '../http/problem.js';
export { apiKeyIntrospection, introspectionOf, type ApiKeyIntrospectionDeps } from './introspection.js';
export { resourceServerEndpoints, SERVICE_PATHS } from './service-endpoints.js';
export { GatehouseRateLimits, gatehouseReplayGuard } from './remote-sharing.js';
export { LeasedRateLimiter, type LimitPolicy, type Admission, type LeasedRateLimiterOptions } from './rate-limiter.js';
export { MemoryRateLimits } from './memory-rate-limits.js';
export { createJwtVerifier, ACCEPTED_ALGORITHMS, type JwtVerifier, type JwtVerifierOptions } from './jwt-verifier.js';
export { localKeys, remoteKeys, type KeyResolver } from './jwks.js';
export { IntrospectionUnavailable } from './introspection-client.js';
export { DPOP_ALGORITHMS } from './dpop/proof.js';
export { DpopNonces } from './dpop/nonce.js';
export { memoryReplayGuard, storeReplayGuard, type ReplayGuard } from './dpop/replay.js';
export type { CredentialVerifier, Verified } from './verified.js';
export type { Principal } from '../domain/principal.js';
