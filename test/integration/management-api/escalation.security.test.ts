import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OPERATOR } from '../../../src/audit/actor.js';
import { newId } from '../../../src/domain/ids.js';
import { MANAGEMENT_PERMISSIONS } from '../../../src/domain/permissions.js';
import { ALL_EVENTS, permissionsToSubscribe } from '../../../src/events/catalog.js';
import { newDelivery } from '../../../src/webhooks/dispatcher.js';
import { startTestServer, type RunningGatehouse } from '../../support/harness.js';
import { PASSWORD, REDIRECT_URI } from '../../support/oauth.js';
import { mintKey } from '../../support/seed.js';
import { snapshotSqlite } from '../../support/store-snapshot.js';
import { clientCredentialsToken, userAccessToken } from '../../support/tokens.js';
import { dpopKey } from '../../support/dpop.js';
import * as oidc from 'openid-client';
import { clientConfig } from '../../support/oauth.js';

/*
 * SPEC §2a, kept closed: every mutating route of the management API, taken from its own OpenAPI
 * document (built from the router's routes), is tried by callers weaker than what it would create
 * or act on. Each attempt must be refused (403/404) and leave the store exactly as it was; then
 * the same request by a caller holding everything succeeds, which proves the request itself was
 * valid and the refusal came from a guard. A route added later is enumerated with no edit here.
 * The snapshot covers every table, the events outbox and webhook deliveries included: a refused
 * request that left an event behind would announce a change that never happened. (No background
 * worker runs here, so only requests write.)
 */

type Json = Record<string, any>;
type Scope = 'organization' | 'server';

/**
 * what targets hold and weak callers lack: a permission of the organization's own API; for the
 * server scope, one of the platform API (`reports:*`), which the `free` plan withholds
 */
const STRONG: Record<Scope, string> = { organization: 'invoices:write', server: 'reports:write' };
const ALL_INVOICES = ['invoices:read', 'invoices:write'];
const ALL_REPORTS = ['reports:read', 'reports:write'];
const WEAK_SERVER_PERMISSIONS = MANAGEMENT_PERMISSIONS;

let server: RunningGatehouse;
let dir: string;
let dbPath: string;
let orgId: string;
let ownerId: string;
let globexId: string;
/** a confidential client of acme's, for bodies naming a client to bind to an API */
let bindableClientId: string;
let counter = 0;
const unique = () => `${Date.now().toString(36)}${(counter++).toString(36)}`;

/** a caller's headers for one request (a DPoP caller signs a fresh proof for each) */
type Headers = Record<string, string> | ((method: string, url: string) => Promise<Record<string, string>>);
interface Caller { name: string; headers: Headers; scope: Scope | 'other' | 'test' }
const callers: Caller[] = [];
const strong: Record<Scope, Record<string, string>> = { organization: {}, server: {} };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gatehouse-escalation-'));
  dbPath = join(dir, 'store.db');
  // single sign-on's provider is this server itself (an OpenID provider on 127.0.0.1)
  server = await startTestServer({ databaseUrl: `sqlite:${dbPath}`, plans: { free: { platformPermissions: ['reports:read'] } }, sso: { allowPrivateNetworks: true } },
    { backgroundWork: false });
  const gh = server.gatehouse;
  await gh.identity.resources.create(OPERATOR, null, { identifier: 'https://platform.example.com', permissions: ALL_REPORTS });
  const org = await gh.identity.organizations.create({ slug: 'acme', plan: 'pro' });
  orgId = org.id;
  await gh.identity.resources.create(OPERATOR, org.id, { identifier: 'https://api.acme.test', permissions: ALL_INVOICES });
  await gh.identity.roles.create(OPERATOR, org.id, { name: 'billing', permissions: ALL_INVOICES });
  await gh.identity.roles.create(OPERATOR, org.id, { name: 'manager', permissions: [...MANAGEMENT_PERMISSIONS] });
  ownerId = (await gh.identity.users.create({ email: 'owner@acme.test', password: PASSWORD, organizationId: org.id, roles: ['admin', 'billing'] })).user.id;
  await gh.identity.users.create({ email: 'manager@acme.test', password: PASSWORD, organizationId: org.id, roles: ['manager'] });
  const app = await gh.oauth.clients.create(OPERATOR, org.id, { name: 'Dashboard', redirect_uris: [REDIRECT_URI] });
  const robot = await gh.oauth.clients.create(OPERATOR, org.id, {
    name: 'Robot', grant_types: ['client_credentials'], redirect_uris: [], permissions: [...MANAGEMENT_PERMISSIONS],
  });
  const boundRobot = await gh.oauth.clients.create(OPERATOR, org.id, {
    name: 'Bound robot', grant_types: ['client_credentials'], redirect_uris: [], permissions: [...MANAGEMENT_PERMISSIONS], dpop_bound_access_tokens: true,
  });
  bindableClientId = robot.client.clientId;
  const globex = await gh.identity.organizations.create({ slug: 'globex' });
  globexId = globex.id;

  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  const apiKey = (key: string) => ({ 'X-API-Key': key });
  callers.push(
    { name: 'a weaker live key', scope: 'organization', headers: apiKey((await mintKey(gh, org.id, MANAGEMENT_PERMISSIONS)).key) },
    { name: 'a test key (against live things)', scope: 'test', headers: apiKey((await mintKey(gh, org.id, [...MANAGEMENT_PERMISSIONS, ...ALL_INVOICES], { environment: 'test' })).key) },
    { name: "a member's token", scope: 'organization', headers: bearer(await userAccessToken(server.url, app.client.clientId, app.client_secret!, { email: 'manager@acme.test', password: PASSWORD }, MANAGEMENT_PERMISSIONS)) },
    { name: 'a client token', scope: 'organization', headers: bearer(await clientCredentialsToken(server.url, robot.client.clientId, robot.client_secret!, MANAGEMENT_PERMISSIONS)) },
    { name: "a DPoP-bound client token, with a proof each time", scope: 'organization', headers: await dpopCaller(boundRobot.client.clientId, boundRobot.client_secret!) },
    { name: "another organization's key", scope: 'other', headers: apiKey((await mintKey(gh, globex.id, MANAGEMENT_PERMISSIONS)).key) },
    { name: 'a weaker server key', scope: 'server', headers: apiKey((await mintKey(gh, null, WEAK_SERVER_PERMISSIONS)).key) },
  );
  strong.organization = apiKey((await mintKey(gh, org.id, [...MANAGEMENT_PERMISSIONS, ...ALL_INVOICES, ...ALL_REPORTS])).key);
  strong.server = apiKey((await mintKey(gh, null, [...MANAGEMENT_PERMISSIONS, ...ALL_REPORTS])).key);
});

/** A client_credentials token bound to a fresh DPoP key (the client requires DPoP), presented as RFC 9449 says. */
async function dpopCaller(clientId: string, secret: string): Promise<Headers> {
  const key = await dpopKey();
  const config = await clientConfig(server.url, clientId, secret);
  const tokens = await oidc.clientCredentialsGrant(config, { scope: MANAGEMENT_PERMISSIONS.join(' ') }, { DPoP: oidc.getDPoPHandle(config, key.keyPair) });
  expect(tokens.token_type).toBe('dpop');
  return async (method, url) => ({
    authorization: `DPoP ${tokens.access_token}`, dpop: await key.proof({ htm: method, htu: url, accessToken: tokens.access_token }),
  });
}

afterAll(async () => {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** A value for a body field: by name where the name says what it is, else by its JSON-schema type. */
function valueFor(name: string, schema: Json, scope: Scope): unknown {
  const n = unique();
  switch (name) {
    case 'permissions': return [STRONG[scope]];
    case 'roles': return ['billing'];
    case 'email': return `someone-${n}@example.com`;
    case 'name': return `n${n}`;
    case 'slug': return `org-${n}`;
    case 'plan': return 'free';
    case 'identifier': return `https://api-${n}.example.com`;
    case 'redirect_uris': case 'post_logout_redirect_uris': return ['https://app.example.com/cb'];
    case 'scope': return 'openid';
    case 'environment': return 'live';
    case 'ip_allowlist': return ['10.0.0.0/8'];
    case 'expires_in': case 'grace_period': return '24h';
    case 'max_key_lifetime': return '3650d';
    case 'metadata': return { customer: `c_${n}` };
    case 'public': return false;
    // a client authenticating with its secret (a key-based one has no secret to rotate)
    case 'token_endpoint_auth_method': return 'client_secret_basic';
    case 'jwks': case 'jwks_uri': return null;
    case 'url': return `https://hooks-${n}.example.com/gatehouse`;
    case 'events': return [ALL_EVENTS];
    case 'issuer': return server.url;
    // an existing confidential client (bindings need one; an SSO connection takes any string)
    case 'client_id': return bindableClientId;
    case 'client_secret': return `s${n}`;
    case 'default_role': return 'billing';
    case 'domain': return `d${n}.example.com`;
    default: return byType(schema, scope);
  }
}

function byType(schema: Json, scope: Scope): unknown {
  if (schema.anyOf) return byType(schema.anyOf[0], scope);
  if ('const' in schema) return schema.const;
  if (schema.enum) return schema.enum[0];
  switch (schema.type) {
    case 'object': return bodyFor(schema, scope);
    case 'array': return [byType(schema.items ?? {}, scope)];
    case 'boolean': return true;
    case 'integer': case 'number': return schema.minimum ?? 1;
    case 'null': return null;
    default: return `v${unique()}`;
  }
}

/** Every field of the body, so the request asks for as much as the route allows. */
function bodyFor(schema: Json | undefined, scope: Scope): Json | undefined {
  if (!schema) return undefined;
  return Object.fromEntries(Object.entries(schema.properties ?? {}).map(([k, v]) => [k, valueFor(k, v as Json, scope)]));
}

/** What a route acts on: its id, the path's other parameters, and whether it holds more than the weak callers. */
interface Target { id: string; params?: Record<string, string>; strongerThanCallers: boolean }

/**
 * Something for the route to act on, made by the operator, one per collection. Mostly it is
 * stronger than every weak caller: it holds `STRONG[scope]` (or an invitation/membership to a
 * role that does). A webhook endpoint holds only the read permissions of its events' data, all
 * in the management vocabulary every weak caller holds (bar the server key's `audit:read`,
 * which no event needs): only callers outside its organization or environment are weaker.
 */
async function targetFor(collection: string): Promise<Target> {
  const gh = server.gatehouse;
  const n = unique();
  const stronger = (id: string): Target => ({ id, strongerThanCallers: true });
  const boundTarget = async (resourceId: string): Promise<Target> => {
    const { client } = await gh.oauth.clients.create(OPERATOR, orgId, { name: 'rs', grant_types: ['client_credentials'], redirect_uris: [] });
    await gh.store.resourceBindings.bind({ resourceId, clientId: client.clientId, createdAt: new Date() });
    return { id: resourceId, params: { client_id: client.clientId }, strongerThanCallers: true };
  };
  switch (collection) {
    case 'api-keys': return stronger((await mintKey(gh, orgId, ['invoices:write', 'users:read'], { ipAllowlist: ['10.0.0.0/8'] })).id);
    case 'server-api-keys': return stronger((await mintKey(gh, null, [...MANAGEMENT_PERMISSIONS, STRONG.server])).id);
    // a platform API declaring what weak server callers lack, with a client bound to it (to unbind)
    case 'server-resources': return boundTarget((await gh.identity.resources.create(OPERATOR, null, { identifier: `https://p-${n}.example.com`, permissions: [STRONG.server] })).id);
    case 'clients': return stronger((await gh.oauth.clients.create(OPERATOR, orgId, { name: 't', grant_types: ['client_credentials'], redirect_uris: [], permissions: ['invoices:write'] })).client.clientId);
    case 'roles': return stronger((await gh.identity.roles.create(OPERATOR, orgId, { name: `t${n}`, permissions: ['invoices:write'] })).id);
    case 'resources': return boundTarget((await gh.identity.resources.create(OPERATOR, orgId, { identifier: `https://t-${n}.example.com`, permissions: ['invoices:write'] })).id);
    case 'users': return stronger((await gh.identity.users.create({ email: `t-${n}@acme.test`, password: PASSWORD, organizationId: orgId, roles: ['billing'] })).user.id);
    case 'webhooks': {
      const { endpoint } = await gh.webhooks.endpoints.create(OPERATOR, orgId, { url: `https://t-${n}.example.com/hook`, events: [ALL_EVENTS] });
      // a settled delivery, for redelivery
      const at = new Date();
      const event = { id: newId('evt'), organizationId: orgId, type: 'api_key.created', data: {}, occurredAt: at, onceKey: null, dispatchedAt: at };
      const delivery = { ...newDelivery(event, endpoint, at), status: 'failed' as const, nextAttemptAt: null, completedAt: at };
      await gh.store.webhookDeliveries.create(delivery);
      const holds = permissionsToSubscribe(endpoint.events);
      return { id: endpoint.id, params: { delivery_id: delivery.id }, strongerThanCallers: holds.some((p) => !MANAGEMENT_PERMISSIONS.includes(p)) };
    }
    case 'connected-apps': {
      // another organization's multi-organization app, authorized by acme's owner with the strong permission
      const { client } = await gh.oauth.clients.create(OPERATOR, globexId, { name: `t${n}`, redirect_uris: [REDIRECT_URI], multi_organization: true });
      const now = new Date();
      await gh.store.appConnections.save({
        id: newId('con'), organizationId: orgId, clientId: client.clientId, userId: ownerId, scopes: ['openid'],
        resources: [{ indicator: 'https://api.acme.test', scopes: ['invoices:write'] }], createdAt: now, updatedAt: now,
      });
      return stronger(client.clientId);
    }
    case 'scim-tokens': return stronger((await gh.scim.tokens.create(OPERATOR, orgId, { name: 't', permissions: ['invoices:write'] })).record.id);
    // a claim decides how its domain's people sign in: only callers holding what every member holds act on one
    case 'domains': return stronger((await gh.sso.domains.claim(OPERATOR, orgId, `t-${n}.example.com`)).id);
    case 'invitations': {
      const { id } = await gh.identity.invitations.create(OPERATOR, orgId, { email: `t-${n}@example.com`, roles: ['billing'] });
      await gh.mail.worker.drain();
      return stronger(id);
    }
    default: throw new Error(`no target for "${collection}": teach targetFor to make one holding what the callers lack`);
  }
}

/**
 * `serverFields`: body fields only server-scoped credentials may send (`x-server-scope-fields`);
 * `memberPermissions`: the caller must hold what every member holds (`x-requires-member-permissions`)
 */
interface Route {
  method: string; path: string; scope: Scope; collection: string | null; body: Json | undefined; serverFields: string[]; memberPermissions: boolean;
}

/** The mutating routes, as the management API describes itself. */
async function mutatingRoutes(): Promise<Route[]> {
  const doc = await (await fetch(`${server.url}/openapi.json`)).json() as Json;
  const routes: Route[] = [];
  for (const [path, ops] of Object.entries(doc.paths as Json)) {
    // a person's own account holds no permission to escalate to: me.security.test.ts enumerates those routes
    if (path === '/v1/me' || path.startsWith('/v1/me/')) continue;
    for (const [method, op] of Object.entries(ops as Json)) {
      if (!['post', 'put', 'patch', 'delete'].includes(method)) continue;
      const scope: Scope = path.startsWith('/v1/organizations/{org}') ? 'organization' : 'server';
      const segment = /\/([a-z-]+)\/\{(?:[a-z]+_)?id\}/.exec(path)?.[1] ?? null;
      const collection = segment && scope === 'server' ? `server-${segment}` : segment;
      routes.push({
        method, path, scope, collection, body: (op as Json).requestBody?.content?.['application/json']?.schema,
        serverFields: (op as Json)['x-server-scope-fields'] ?? [], memberPermissions: (op as Json)['x-requires-member-permissions'] === true,
      });
    }
  }
  return routes;
}

async function call(route: Route, target: Target | null, headers: Headers, body: Json | undefined) {
  const params: Record<string, string> = { org: 'acme', ...target?.params };
  const url = server.url + route.path.replace(/\{(?:[a-z]+_)?id\}/, target?.id ?? 'none').replace(/\{(\w+)\}/g, (_, name: string) => params[name] ?? 'none');
  const method = route.method.toUpperCase();
  const res = await fetch(url, {
    method, headers: { 'content-type': 'application/json', ...(typeof headers === 'function' ? await headers(method, url) : headers) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

/** The body's fields that are (`keep`) or are not server-scope fields. */
const pick = (body: Json, fields: readonly string[], keep: boolean): Json =>
  Object.fromEntries(Object.entries(body).filter(([k]) => fields.includes(k) === keep)) as Json;

const sendsServerFields = (route: Route, body: Json | undefined) => route.serverFields.some((f) => body !== undefined && f in body);

/**
 * Whether the caller must be refused on this route: always outside its organization or
 * environment, when it sends fields for server-scoped credentials only, or on a route that needs
 * every permission the members hold (single sign-on); else when the request
 * grants permissions or roles, or acts on a target stronger than the callers; and off its own
 * scope, unless the body only subscribes to events (a webhook: whose data every weak caller may
 * read, the server key included).
 */
function mustRefuse(route: Route, caller: Caller, body: Json | undefined, target: Target | null): boolean {
  if (caller.scope === 'other' || caller.scope === 'test') return true;
  if (sendsServerFields(route, body)) return true;
  // the owner holds what no weak caller does
  if (route.memberPermissions) return true;
  if (body !== undefined && ('permissions' in body || 'roles' in body)) return true;
  if (target) return target.strongerThanCallers || (caller.scope === 'organization' && route.scope === 'server');
  return caller.scope !== route.scope && !(body !== undefined && 'events' in body);
}

describe('every mutating route refuses callers weaker than what it would create or act on', () => {
  it('enumerates the mutating routes from the OpenAPI document', async () => {
    const routes = await mutatingRoutes();
    expect(routes.length).toBeGreaterThanOrEqual(18);
    expect(routes.map((r) => `${r.method} ${r.path}`)).toEqual(expect.arrayContaining([
      'post /v1/organizations/{org}/clients/{id}/rotate-secret', 'post /v1/organizations/{org}/invitations',
      'patch /v1/organizations/{org}/users/{id}', 'delete /v1/organizations/{org}/api-keys/{id}',
      'delete /v1/organizations/{org}/connected-apps/{client_id}', 'post /v1/organizations/{org}/webhooks',
      'patch /v1/organizations/{org}/webhooks/{id}', 'post /v1/organizations/{org}/webhooks/{id}/rotate-secret',
      'post /v1/organizations/{org}/webhooks/{id}/deliveries/{delivery_id}/redeliver', 'delete /v1/organizations/{org}/webhooks/{id}',
      'post /v1/resources', 'patch /v1/resources/{id}', 'delete /v1/resources/{id}', 'patch /v1/organizations/{org}',
      'post /v1/organizations/{org}/scim-tokens', 'delete /v1/organizations/{org}/scim-tokens/{id}',
      'post /v1/organizations/{org}/sso-connection', 'patch /v1/organizations/{org}/sso-connection', 'delete /v1/organizations/{org}/sso-connection',
      'post /v1/organizations/{org}/domains', 'delete /v1/organizations/{org}/domains/{id}',
      'post /v1/resources/{id}/bound-clients', 'delete /v1/resources/{id}/bound-clients/{client_id}',
      'post /v1/organizations/{org}/resources/{id}/bound-clients', 'delete /v1/organizations/{org}/resources/{id}/bound-clients/{client_id}',
    ]));
    // every client setting is in the bodies tried, so changing any of them is a guarded client change
    const clientBodies = routes.filter((r) => r.path.startsWith('/v1/organizations/{org}/clients') && ['post', 'patch'].includes(r.method) && r.body);
    for (const route of clientBodies.filter((r) => !r.path.endsWith('/rotate-secret'))) {
      expect(Object.keys(bodyFor(route.body, 'organization') ?? {})).toEqual(expect.arrayContaining([
        'dpop_bound_access_tokens', 'require_pushed_authorization_requests', 'multi_organization', 'grant_types', 'redirect_uris',
      ]));
    }
    expect(clientBodies.length).toBeGreaterThanOrEqual(2);
    // disabling, re-enabling and retagging a key are guarded key changes; the key policy a guarded organization change
    const keyPatch = routes.find((r) => r.method === 'patch' && r.path === '/v1/organizations/{org}/api-keys/{id}')!;
    expect(Object.keys(bodyFor(keyPatch.body, 'organization') ?? {})).toEqual(expect.arrayContaining(['enabled', 'metadata']));
    const orgPatch = routes.find((r) => r.method === 'patch' && r.path === '/v1/organizations/{org}')!;
    expect(Object.keys(bodyFor(orgPatch.body, 'organization') ?? {})).toEqual(expect.arrayContaining(['max_key_lifetime', 'key_rotation_reminder_days']));
  });

  it('refuses each weaker caller (403/404) without changing the store, and the same request by a stronger caller succeeds', async () => {
    const routes = await mutatingRoutes();
    const failures: string[] = [];
    let refusals = 0;
    // the routes whose successful request stored an event: what a refused one must never leave
    const withEvents: string[] = [];
    expect(Object.keys(snapshotSqlite(dbPath))).toEqual(expect.arrayContaining(['events', 'webhook_deliveries', 'webhook_endpoints', 'job_leases']));
    for (const route of routes) {
      const label = `${route.method.toUpperCase()} ${route.path}`;
      const target = route.collection ? await targetFor(route.collection) : null;
      const body = bodyFor(route.body, route.scope);
      for (const caller of callers) {
        if (!mustRefuse(route, caller, body, target)) continue;
        const before = snapshotSqlite(dbPath);
        const res = await call(route, target, caller.headers, body);
        const changed = Object.keys(before).filter((t) => before[t] !== snapshotSqlite(dbPath)[t]);
        const guardCode = res.body?.code;
        if (![403, 404].includes(res.status)) failures.push(`${label} by ${caller.name}: ${res.status} ${JSON.stringify(res.body)}`);
        // the refusal must come from the invariants, not from a permission the caller simply lacks
        else if (caller.scope === route.scope && ['insufficient_scope', 'read_only_credential'].includes(guardCode)) failures.push(`${label} by ${caller.name}: refused only for ${guardCode}`);
        if (changed.length) failures.push(`${label} by ${caller.name}: changed ${changed.join(', ')}`);
        refusals++;
      }
      const eventsBefore = snapshotSqlite(dbPath).events;
      // fields for server-scoped credentials only (an organization's plan) are sent by the strong
      // server key, the rest by the route's strong caller (no one credential is both)
      const valid: Array<[Record<string, string>, Json | undefined]> = sendsServerFields(route, body)
        ? [[strong.server, pick(body!, route.serverFields, true)], [strong[route.scope], pick(body!, route.serverFields, false)]]
        : [[strong[route.scope], body]];
      for (const [headers, sent] of valid) {
        const done = await call(route, target, headers, sent);
        if (done.status < 200 || done.status > 299) failures.push(`${label} by a caller holding everything: ${done.status} ${JSON.stringify(done.body)} (body ${JSON.stringify(sent)})`);
      }
      if (snapshotSqlite(dbPath).events !== eventsBefore) withEvents.push(label);
      // its mail (an invitation) leaves now, not during the next route's snapshots
      await server.gatehouse.mail.worker.drain();
    }
    expect(failures).toEqual([]);
    expect(refusals).toBeGreaterThan(routes.length * 4);
    expect(withEvents).toEqual(expect.arrayContaining([
      'POST /v1/organizations/{org}/api-keys', 'DELETE /v1/organizations/{org}/api-keys/{id}', 'POST /v1/organizations/{org}/invitations',
      'DELETE /v1/organizations/{org}/users/{id}', 'DELETE /v1/organizations/{org}/connected-apps/{client_id}',
    ]));
    // every route, every weak caller, two snapshots of every table each: it grows with the API
  }, 180_000);
});
