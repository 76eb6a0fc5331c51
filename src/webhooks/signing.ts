import { createHmac, randomBytes } from 'node:crypto';

/** Signing secrets are shown as `whsec_` + base64 of 32 random bytes (Standard Webhooks). */
export const SECRET_PREFIX = 'whsec_';

/** A new signing secret. */
export function newSigningSecret(): string {
  return SECRET_PREFIX + randomBytes(32).toString('base64');
}

/** The context a secret is sealed under: bound to its endpoint, so a sealed value cannot be moved to another. */
export const secretSealContext = (endpointId: string): string => `webhook-secret:${endpointId}`;

/**
 * The `webhook-signature` header of Standard Webhooks: for each secret, `v1,` + base64 of
 * HMAC-SHA256(key, `<webhook-id>.<webhook-timestamp>.<body>`), where the key is the secret's
 * base64 part; several (during a secret rotation) are separated by spaces, and a receiver that
 * knows either secret verifies.
 */
export function signatureHeader(secrets: readonly string[], messageId: string, timestampSeconds: number, body: string): string {
  return secrets.map((secret) => {
    const key = Buffer.from(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret, 'base64');
    return `v1,${createHmac('sha256', key).update(`${messageId}.${timestampSeconds}.${body}`).digest('base64')}`;
  }).join(' ');
}
