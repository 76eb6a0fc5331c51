import type { Middleware } from 'koa';
import getRawBody from 'raw-body';
import { clientAuthenticator, isClientAuthFailure, refuseClient } from '../resource-server/client-authenticator.js';
import { reachesOrganization, visiblePermissions } from '../resource-server/bindings.js';
import type { MaybePromise } from '../resource-server/maybe-async.js';
import type { ApiKeyRecord, Client, MeterIncrement, Resource } from '../store/ports.js';
import { HOUR_MS, hourStart } from './periods.js';
import type { MeterSink, QuotaState } from './sink.js';
import { USAGE_REPORT_PATH } from './remote-sink.js';

const BODY_LIMIT = 256 * 1024;
const MAX_INCREMENTS = 1000;
const MAX_COUNT = 1e9;
/** how far back a report may reach: a service that could not report for this long has lost those counts anyway */
const MAX_AGE_MS = 7 * 24 * HOUR_MS;

export interface ReportEndpointDeps {
  sink: MeterSink;
  findKey(id: string): Promise<ApiKeyRecord | null>;
  verifyClient(clientId: string, secret: string): Promise<Client | null>;
  /** the resources the client is bound to (introspection's binding cache); without it, none */
  boundResources?(clientId: string): MaybePromise<readonly Resource[]>;
  now?: () => number;
}

/** Whom one client may report for: introspection's authority, as one value per request. */
interface Reach {
  client: Client;
  resources: readonly Resource[];
}

/** its own organization, or one a binding reaches (a platform resource reaches every one) */
const reachesOrg = (reach: Reach, organizationId: string) =>
  organizationId === reach.client.organizationId || reachesOrganization(reach.resources, organizationId);

/** a key of its own organization, or one introspection would show it (holding a permission of a bound resource) */
const reachesKey = (reach: Reach, key: ApiKeyRecord) => key.organizationId !== null &&
  (key.organizationId === reach.client.organizationId || visiblePermissions(key.permissions, key.organizationId, reach.resources).length > 0);

const isCount = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= MAX_COUNT;

/**
 * `POST /resource-server/usage` (SPEC §5, §9): a remote resource server reports what it admitted,
 * `{flush_id, increments: [{organization, key_id, hour, ok, denied, rate_limited, units}]}`, and
 * reads quotas, `{organizations: [id]}`; the answer is `{quotas: [{organization, month, used,
 * quota}]}` for the organizations touched or asked about.
 *
 * Authority is introspection's: the caller authenticates as a confidential client and may report
 * for, and read the quota of, its own organization, and the organizations its resource bindings
 * reach (a platform resource's binding: every organization; an organization's own resource: that
 * one). A key it reports must be one introspection shows it: of its own organization, or holding
 * a permission of a bound resource (any other key, or an unknown one, refuses the whole
 * report: 400); key-less increments (access-token requests) need the organization reached. Test keys'
 * units are dropped here too. Flush ids are kept under the client's id, so a retried report is
 * applied once and one service cannot spend another's ids. Hours lie within the last 7 days.
 */
export function usageReportEndpoint(deps: ReportEndpointDeps): Middleware {
  const now = deps.now ?? Date.now;
  const authenticateClient = clientAuthenticator({ verifyClient: deps.verifyClient });
  return async function usageReports(ctx, next) {
    if (ctx.path !== USAGE_REPORT_PATH || ctx.method !== 'POST') return next();
    ctx.set('Cache-Control', 'no-store');
    const invalid = (description: string) => {
      ctx.status = 400;
      ctx.body = { error: 'invalid_request', error_description: description };
    };
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(await getRawBody(ctx.req, { limit: BODY_LIMIT, length: ctx.request.length, encoding: 'utf8' }));
      if (!ctx.is('application/json') || !body || typeof body !== 'object' || Array.isArray(body)) throw new Error('not an object');
    } catch {
      return invalid('the body must be a JSON object of at most 256 KB');
    }
    const client = await authenticateClient(ctx, body);
    if (isClientAuthFailure(client)) return refuseClient(ctx, client);
    const { flush_id: flushId, increments, organizations } = body;
    const reach: Reach = { client, resources: deps.boundResources ? await deps.boundResources(client.clientId) : [] };
    const states: QuotaState[] = [];
    if (increments !== undefined) {
      if (typeof flushId !== 'string' || !/^[\w.-]{1,100}$/.test(flushId)) return invalid('flush_id (1-100 letters, digits, "_", "-", ".") is required with increments');
      const parsed = await parseIncrements(increments, reach, deps, now());
      if (typeof parsed === 'string') return invalid(parsed);
      states.push(...await deps.sink.report(`${client.clientId}:${flushId}`, parsed));
    }
    if (organizations !== undefined) {
      if (!Array.isArray(organizations) || organizations.length > 100 || !organizations.every((o) => typeof o === 'string')) return invalid('organizations must be a list of at most 100 ids');
      // an organization out of the client's reach is left out, not refused, so nothing is revealed
      const own = organizations.filter((o) => reachesOrg(reach, o) && !states.some((s) => s.organizationId === o));
      if (own.length) states.push(...await deps.sink.quotas(own));
    }
    ctx.body = { quotas: states.map((s) => ({ organization: s.organizationId, month: s.month, used: s.used, quota: s.quota })) };
  };
}

async function parseIncrements(value: unknown, reach: Reach, deps: ReportEndpointDeps, at: number): Promise<MeterIncrement[] | string> {
  if (!Array.isArray(value) || value.length > MAX_INCREMENTS) return `increments must be a list of at most ${MAX_INCREMENTS}`;
  const keys = new Map<string, ApiKeyRecord | null>();
  const out: MeterIncrement[] = [];
  for (const [n, raw] of value.entries()) {
    const i = raw as Record<string, unknown>;
    const hour = typeof i?.hour === 'string' ? Date.parse(i.hour) : NaN;
    if (!Number.isFinite(hour) || hourStart(hour) !== hour || hour < at - MAX_AGE_MS || hour > at + HOUR_MS) return `increments[${n}].hour must be a whole UTC hour within the last 7 days`;
    if (![i.ok, i.denied, i.rate_limited, i.units].every(isCount)) return `increments[${n}]: ok, denied, rate_limited and units are whole numbers`;
    if (typeof i.organization !== 'string' || !reachesOrg(reach, i.organization)) return `increments[${n}].organization: a client reports for its own organization, or those its resource bindings reach`;
    let units = i.units as number;
    const keyId = i.key_id ?? null;
    if (keyId !== null) {
      if (typeof keyId !== 'string' || keyId.length > 100) return `increments[${n}].key_id must be an API key id or null`;
      if (!keys.has(keyId)) keys.set(keyId, await deps.findKey(keyId));
      const key = keys.get(keyId);
      if (!key || key.organizationId !== i.organization || !reachesKey(reach, key)) return `increments[${n}].key_id is not a key of that organization the client may report for`;
      if (key.environment === 'test') units = 0;
    }
    out.push({
      organizationId: i.organization, keyId: keyId ?? '', hour: new Date(hour),
      ok: i.ok as number, denied: i.denied as number, rateLimited: i.rate_limited as number, units,
    });
  }
  return out;
}
