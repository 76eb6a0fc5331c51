import type { ApiKeyRecord } from '../../store/ports.js';

export type ApiKeyStatus = 'active' | 'revoked' | 'expired';

/** A key's status at `now`: revoked wins over expired; a key expires at its `expiresAt` instant. */
export function keyStatus(record: Pick<ApiKeyRecord, 'revokedAt' | 'expiresAt'>, now: Date): ApiKeyStatus {
  if (record.revokedAt) return 'revoked';
  if (record.expiresAt && record.expiresAt.getTime() <= now.getTime()) return 'expired';
  return 'active';
}
