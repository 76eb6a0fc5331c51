import type { ApiKeyStatus } from '../domain/api-keys/status.js';
import type { ApiKeyRecord } from '../store/ports.js';

/**
 * The public (snake_case) form of a key. Built field by field from an allowlist so the digest, or
 * anything added to the record later, never leaves by accident; the plaintext `key` is added by
 * the caller only in the response to create and rotate.
 */
export function apiKeyToJson(r: ApiKeyRecord, status: ApiKeyStatus, lastUsedAt: Date | null) {
  return {
    object: 'api_key' as const,
    id: r.id,
    organization: r.organizationId,
    name: r.name,
    environment: r.environment,
    start: r.start,
    permissions: r.permissions,
    status,
    enabled: r.disabledAt === null,
    disabled_at: r.disabledAt?.toISOString() ?? null,
    metadata: r.metadata,
    expires_at: r.expiresAt?.toISOString() ?? null,
    ip_allowlist: r.ipAllowlist,
    rate_limit: r.rateLimit ? { limit: r.rateLimit.limit, window_seconds: r.rateLimit.windowSeconds } : null,
    created_at: r.createdAt.toISOString(),
    created_by: r.createdBy,
    updated_at: r.updatedAt.toISOString(),
    revoked_at: r.revokedAt?.toISOString() ?? null,
    rotated_to: r.rotatedTo,
    last_used_at: lastUsedAt?.toISOString() ?? null,
  };
}

export type ApiKeyJson = ReturnType<typeof apiKeyToJson>;
