import { parseDuration } from '../domain/durations.js';
import { problems } from '../http/problem.js';
import type { ApiKeyService } from '../api-keys/service.js';
import { apiKeyToJson } from '../api-keys/serialize.js';
import type { ApiKeyRecord, RateLimitPolicy } from '../store/ports.js';
import { scopedRoute, type AnyRoute } from './route-kit.js';
import {
  apiKeyObject, createApiKeyBody, issuedApiKey, keyListQuery, rotateApiKeyBody, updateApiKeyBody, usageObject, usageQuery,
} from './schemas/api-keys.js';
import { listQuery, pageOf } from './schemas/common.js';

const DEFAULT_GRACE_SECONDS = 86_400;
const DAY_MS = 86_400_000;

const rateLimitOf = (r: { limit: number; window_seconds: number } | null | undefined): RateLimitPolicy | null | undefined =>
  r === undefined ? undefined : r && { limit: r.limit, windowSeconds: r.window_seconds };

/**
 * The API-key routes, for one scope: `/organizations/{org}/api-keys` (organization keys) or
 * `/api-keys` (server-scoped keys, server credentials only).
 */
export function apiKeyRoutes(apiKeys: ApiKeyService, scope: AnyRoute['scope']): AnyRoute[] {
  const route = scopedRoute(scope);
  const base = scope === 'organization' ? '/organizations/{org}/api-keys' : '/api-keys';
  const tag = scope === 'organization' ? 'API keys' : 'Server API keys';
  const toJson = async (r: ApiKeyRecord) => apiKeyToJson(r, apiKeys.status(r), await apiKeys.lastUsedAt(r.id));
  const issued = async ({ record, key }: { record: ApiKeyRecord; key: string }) => ({ ...(await toJson(record)), key });

  return [
    route({
      method: 'post', path: base, tag, summary: 'Create an API key (the plaintext key is returned this once)',
      permission: 'api_keys:write', body: createApiKeyBody, status: 201, response: issuedApiKey,
      handle: async ({ caller, org, body }) => issued(await apiKeys.create(caller, org?.id ?? null, {
        name: body.name, permissions: body.permissions, environment: body.environment,
        expiresInSeconds: body.expires_in === undefined ? null : parseDuration(body.expires_in),
        ipAllowlist: body.ip_allowlist, rateLimit: rateLimitOf(body.rate_limit), metadata: body.metadata,
      })),
    }),
    route({
      method: 'get', path: base, tag, summary: 'List API keys, newest first',
      permission: 'api_keys:read', query: listQuery.extend(keyListQuery.shape), response: pageOf(apiKeyObject),
      handle: async ({ caller, org, query }) => {
        const page = await apiKeys.list(caller, org?.id ?? null, { limit: query.limit, cursor: query.cursor }, query.status);
        const lastUsed = await apiKeys.lastUsedAtMany(page.items.map((r) => r.id));
        return { data: page.items.map((r) => apiKeyToJson(r, apiKeys.status(r), lastUsed.get(r.id) ?? null)), next_cursor: page.nextCursor };
      },
    }),
    route({
      method: 'get', path: `${base}/{id}`, tag, summary: 'Get an API key',
      permission: 'api_keys:read', response: apiKeyObject,
      handle: async ({ caller, org, params }) => toJson(await apiKeys.get(caller, org?.id ?? null, params.id)),
    }),
    route({
      method: 'patch', path: `${base}/{id}`, tag,
      summary: 'Update name, permissions, IP allowlist, rate limit or metadata; disable (`enabled: false`) or re-enable it',
      permission: 'api_keys:write', body: updateApiKeyBody, response: apiKeyObject,
      handle: async ({ caller, org, params, body }) => toJson(await apiKeys.update(caller, org?.id ?? null, params.id, {
        name: body.name, permissions: body.permissions, ipAllowlist: body.ip_allowlist, rateLimit: rateLimitOf(body.rate_limit),
        metadata: body.metadata, enabled: body.enabled,
      })),
    }),
    route({
      method: 'post', path: `${base}/{id}/rotate`, tag,
      summary: 'Rotate: a new key now, the old one working until the grace period ends',
      permission: 'api_keys:write', body: rotateApiKeyBody, status: 201, response: issuedApiKey,
      handle: async ({ caller, org, params, body }) => {
        const grace = body.grace_period === undefined ? DEFAULT_GRACE_SECONDS
          : body.grace_period === 0 || body.grace_period === '0' ? 0 : parseDuration(body.grace_period)!;
        return issued(await apiKeys.rotate(caller, org?.id ?? null, params.id, grace));
      },
    }),
    route({
      method: 'delete', path: `${base}/{id}`, tag, summary: 'Revoke an API key (fails from the next request on)',
      permission: 'api_keys:write', status: 204,
      handle: ({ caller, org, params }) => apiKeys.revoke(caller, org?.id ?? null, params.id),
    }),
    route({
      method: 'get', path: `${base}/{id}/usage`, tag, summary: 'Requests per UTC day (default: the last 30 days)',
      permission: 'api_keys:read', query: usageQuery, response: usageObject,
      handle: async ({ caller, org, params, query }) => {
        const to = query.to ?? new Date().toISOString().slice(0, 10);
        const from = query.from ?? new Date(Date.parse(to) - 29 * DAY_MS).toISOString().slice(0, 10);
        const span = (Date.parse(to) - Date.parse(from)) / DAY_MS;
        if (!(span >= 0 && span <= 366)) throw problems.validation([{ field: 'from', message: 'must be a valid day at most 366 days before `to`' }]);
        return { key_id: params.id, days: await apiKeys.usage(caller, org?.id ?? null, params.id, from, to) };
      },
    }),
  ];
}

