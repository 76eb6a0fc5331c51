import type { Client } from '../store/ports.js';

/** The client's secrets that authenticate now: the current one and, within its grace period, the previous one. */
export function liveSecrets(client: Client, now = Date.now()): { current: string | null; previous: string | null } {
  const previousLive = client.previousSealedSecret !== null && client.previousSecretExpiresAt !== null
    && client.previousSecretExpiresAt.getTime() > now;
  return { current: client.sealedSecret, previous: previousLive ? client.previousSealedSecret : null };
}

/** The sealed secrets that authenticate now, current first. */
export function sealedSecretsOf(client: Client, now = Date.now()): string[] {
  const { current, previous } = liveSecrets(client, now);
  return [current, previous].filter((s): s is string => s !== null);
}

/**
 * `jwks` and `jwks_uri` after a patch: setting one replaces the other (a client has one source
 * of keys); `null` clears; absent keeps.
 */
export function keysAfter(current: Client, patch: { jwks?: Client['jwks']; jwks_uri?: string | null }): { jwks: unknown; jwksUri: unknown } {
  if (patch.jwks !== undefined && patch.jwks !== null) return { jwks: patch.jwks, jwksUri: patch.jwks_uri ?? null };
  if (patch.jwks_uri !== undefined && patch.jwks_uri !== null) return { jwks: patch.jwks ?? null, jwksUri: patch.jwks_uri };
  return {
    jwks: patch.jwks === null ? null : current.jwks,
    jwksUri: patch.jwks_uri === null ? null : current.jwksUri,
  };
}
