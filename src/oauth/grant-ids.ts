import { randomBytes } from 'node:crypto';
import type { AppConnection } from '../store/ports.js';

/**
 * Grant ids name the connection they hang from and the organization they act for:
 * `<connection id>.<organization id>.<random>`. Every authorization gets one (its token family);
 * the adapter serves a grant only while its connection exists, so deleting a connection (a
 * disconnect) kills every grant made under it in one step, and a reconnection (a new connection
 * id) never revives them. Grant ids are made here only, never taken from a request.
 */
export function newGrantId(connection: Pick<AppConnection, 'id' | 'organizationId'>): string {
  return `${connection.id}.${connection.organizationId}.${randomBytes(16).toString('base64url')}`;
}

/** The connection and organization a grant id names; null for grants made before connections existed. */
export function parseGrantId(grantId: string): { connectionId: string; organizationId: string } | null {
  const parts = grantId.split('.');
  if (parts.length !== 3 || !parts[0].startsWith('con_') || !parts[1].startsWith('org_')) return null;
  return { connectionId: parts[0], organizationId: parts[1] };
}

/** The organization a grant acts for, or undefined for a grant from before connections. */
export function organizationOfGrant(grantId: string): string | undefined {
  return parseGrantId(grantId)?.organizationId;
}
