import type { DigestKind, SealedKind, SealedValue, SealedValueStore } from '../ports.js';
import type { SqliteDb } from './database.js';

/** The table, id column and column of each sealed kind (names from this table only, never from input). */
const SEALED: Record<SealedKind, { table: string; id: string; column: string }> = {
  client_secret: { table: 'clients', id: 'client_id', column: 'sealed_secret' },
  client_previous_secret: { table: 'clients', id: 'client_id', column: 'previous_sealed_secret' },
  signing_key: { table: 'signing_keys', id: 'kid', column: 'sealed_private_jwk' },
  webhook_secret: { table: 'webhook_endpoints', id: 'id', column: 'sealed_secret' },
  webhook_previous_secret: { table: 'webhook_endpoints', id: 'id', column: 'previous_sealed_secret' },
  totp_secret: { table: 'mfa_factors', id: 'id', column: 'sealed_secret' },
  mail: { table: 'mail_outbox', id: 'id', column: 'sealed' },
  console_session: { table: 'console_sessions', id: 'id', column: 'sealed' },
  sso_client_secret: { table: 'sso_connections', id: 'organization_id', column: 'sealed_client_secret' },
};

const FINGERPRINT = "CASE WHEN instr(digest, '.') > 0 THEN substr(digest, 1, instr(digest, '.') - 1) ELSE '' END";

/** The digests in use of each kind (`@now` in ms). */
const DIGESTS: Record<DigestKind, string> = {
  api_key: 'FROM api_keys WHERE revoked_at IS NULL AND (expires_at IS NULL OR expires_at > @now)',
  scim_token: 'FROM scim_tokens WHERE revoked_at IS NULL AND (expires_at IS NULL OR expires_at > @now)',
  recovery_code: 'FROM recovery_codes WHERE used_at IS NULL AND @now IS NOT NULL',
};

/** Sealed values and digest counts in SQLite; a replacement is one conditional UPDATE. */
export class SqliteSealedValues implements SealedValueStore {
  constructor(private readonly db: SqliteDb) {}

  async page(kind: SealedKind, after: string | null, limit: number): Promise<SealedValue[]> {
    const { table, id, column } = SEALED[kind];
    return this.db.prepare<[{ after: string | null; limit: number }], SealedValue>(`SELECT ${id} AS id, ${column} AS sealed FROM ${table}
      WHERE ${column} IS NOT NULL AND ${column} != '' AND (@after IS NULL OR ${id} > @after) ORDER BY ${id} LIMIT @limit`).all({ after, limit });
  }

  async replace(kind: SealedKind, id: string, expected: string, next: string): Promise<boolean> {
    const { table, id: idColumn, column } = SEALED[kind];
    return this.db.prepare(`UPDATE ${table} SET ${column} = ? WHERE ${idColumn} = ? AND ${column} = ?`).run(next, id, expected).changes === 1;
  }

  async countDigests(kind: DigestKind, now: Date): Promise<Record<string, number>> {
    const rows = this.db.prepare<[{ now: number }], { fingerprint: string; n: number }>(
      `SELECT ${FINGERPRINT} AS fingerprint, count(*) AS n ${DIGESTS[kind]} GROUP BY 1`).all({ now: now.getTime() });
    return Object.fromEntries(rows.map((r) => [r.fingerprint, r.n]));
  }
}
