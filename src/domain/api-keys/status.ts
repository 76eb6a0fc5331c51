import type { ApiKeyRecord } from '../../store/ports.js';

export type ApiKeyStatus = 'active' | 'disabled' | 'revoked' | 'expired';

/**
 * A key's status at `now`: revoked wins over expired, expired over disabled (a disabled key that
 * expires can never come back, so it says so); a key expires at its `expiresAt` instant.
 */
export function keyStatus(record: Pick<ApiKeyRecord, 'revokedAt' | 'expiresAt'> & { disabledAt?: Date | null }, now: Date): ApiKeyStatus {
  if (record.revokedAt) return 'revoked';
  if (record.expiresAt && record.expiresAt.getTime() <= now.getTime()) return 'expired';
  if (record.disabledAt) return 'disabled';
  return 'active';
}
